import type { ProviderDefinitionInput } from '../../../sdk/contract/provider-definition.js';
import { accountingProviders } from './accounting.js';
import { analyticsProviders } from './analytics.js';
import { atsProviders } from './ats.js';
import { bankingProviders } from './banking.js';
import { communicationProviders } from './communication.js';
import { crmProviders } from './crm.js';
import { designProviders } from './design.js';
import { devToolsProviders } from './dev-tools.js';
import { eCommerceProviders } from './e-commerce.js';
import { erpProviders } from './erp.js';
import { gamingProviders } from './gaming.js';
import { hrProviders } from './hr.js';
import { iamProviders } from './iam.js';
import { knowledgeBaseProviders } from './knowledge-base.js';
import { legalProviders } from './legal.js';
import { marketingProviders } from './marketing.js';
import { otherProviders } from './other.js';
import { paymentProviders } from './payment.js';
import { productivityProviders } from './productivity.js';
import { socialProviders } from './social.js';
import { sportsProviders } from './sports.js';
import { storageProviders } from './storage.js';
import { supportProviders } from './support.js';
import { surveysProviders } from './surveys.js';
import { videoProviders } from './video.js';

/** Every built-in provider, one file per category. To add one, add an entry to its category file. */
export const builtinProviderInputs: readonly ProviderDefinitionInput[] = [
  ...accountingProviders,
  ...analyticsProviders,
  ...atsProviders,
  ...bankingProviders,
  ...communicationProviders,
  ...crmProviders,
  ...designProviders,
  ...devToolsProviders,
  ...eCommerceProviders,
  ...erpProviders,
  ...gamingProviders,
  ...hrProviders,
  ...iamProviders,
  ...knowledgeBaseProviders,
  ...legalProviders,
  ...marketingProviders,
  ...otherProviders,
  ...paymentProviders,
  ...productivityProviders,
  ...socialProviders,
  ...sportsProviders,
  ...storageProviders,
  ...supportProviders,
  ...surveysProviders,
  ...videoProviders,
];
