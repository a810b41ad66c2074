// Every script of this project, one import each (Nango's zero-YAML layout).
import './github/actions/create-issue.js';
import './slack/actions/post-message.js';
import './hubspot/actions/create-contact.js';
import './github/syncs/issues.js';
import './hubspot/syncs/contacts.js';
import './zendesk/syncs/tickets.js';
