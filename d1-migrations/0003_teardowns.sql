CREATE TABLE `connection_teardowns` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`environment_id` integer NOT NULL,
	`integration_id` integer NOT NULL,
	`connection_id` text NOT NULL,
	`integration_key` text NOT NULL,
	`provider` text NOT NULL,
	`log_environment_id` integer NOT NULL,
	`revocation_enc` text,
	`attempts` integer DEFAULT 0 NOT NULL,
	`last_error` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
CREATE INDEX `connection_teardowns_created` ON `connection_teardowns` (`created_at`);