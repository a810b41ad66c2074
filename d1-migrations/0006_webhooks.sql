CREATE TABLE `incoming_webhooks` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`uid` text NOT NULL,
	`environment_id` integer NOT NULL,
	`integration_id` integer NOT NULL,
	`headers` text NOT NULL,
	`body` text NOT NULL,
	`status` text DEFAULT 'received' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`result` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`processed_at` text,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`integration_id`) REFERENCES `integrations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `incoming_webhooks_uid_unique` ON `incoming_webhooks` (`uid`);--> statement-breakpoint
CREATE INDEX `incoming_webhooks_env_created` ON `incoming_webhooks` (`environment_id`,`id`);--> statement-breakpoint
CREATE INDEX `incoming_webhooks_status` ON `incoming_webhooks` (`status`,`id`);--> statement-breakpoint
CREATE TABLE `webhook_deliveries` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`environment_id` integer NOT NULL,
	`event_uid` text NOT NULL,
	`event_type` text NOT NULL,
	`connection_id` text,
	`integration_key` text,
	`destination` text NOT NULL,
	`url` text NOT NULL,
	`status` text DEFAULT 'pending' NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`next_attempt_at_ms` integer NOT NULL,
	`lease_until_ms` integer,
	`last_status` integer,
	`last_error` text,
	`last_duration_ms` integer,
	`last_attempt_at` text,
	`delivered_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `webhook_deliveries_event_destination` ON `webhook_deliveries` (`event_uid`,`destination`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_due` ON `webhook_deliveries` (`status`,`next_attempt_at_ms`);--> statement-breakpoint
CREATE INDEX `webhook_deliveries_env` ON `webhook_deliveries` (`environment_id`,`id`);--> statement-breakpoint
CREATE TABLE `webhook_endpoints` (
	`url` text PRIMARY KEY NOT NULL,
	`failures` integer DEFAULT 0 NOT NULL,
	`open_until_ms` integer,
	`trial_at_ms` integer,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL
);
--> statement-breakpoint
ALTER TABLE `outbox_events` ADD `uid` text;--> statement-breakpoint
CREATE UNIQUE INDEX `outbox_events_uid` ON `outbox_events` (`uid`);