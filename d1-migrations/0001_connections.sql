CREATE TABLE `connect_sessions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`environment_id` integer NOT NULL,
	`token_hash` text NOT NULL,
	`settings` text DEFAULT '{}' NOT NULL,
	`reconnect_connection_id` text,
	`reconnect_integration_id` integer,
	`expires_at` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `connect_sessions_token_hash_unique` ON `connect_sessions` (`token_hash`);--> statement-breakpoint
CREATE INDEX `connect_sessions_expiry` ON `connect_sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `connections` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`environment_id` integer NOT NULL,
	`integration_id` integer NOT NULL,
	`connection_id` text NOT NULL,
	`provider` text NOT NULL,
	`auth_mode` text NOT NULL,
	`connection_config` text DEFAULT '{}' NOT NULL,
	`metadata` text DEFAULT '{}' NOT NULL,
	`tags` text DEFAULT '{}' NOT NULL,
	`end_user` text,
	`webhook_url_override` text,
	`auth_error` text,
	`auth_error_event_id` integer,
	`credentials_expires_at` text,
	`last_fetched_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`integration_id`) REFERENCES `integrations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `connections_env_integration_conn` ON `connections` (`environment_id`,`integration_id`,`connection_id`);--> statement-breakpoint
CREATE INDEX `connections_env_created` ON `connections` (`environment_id`,`id`);--> statement-breakpoint
CREATE TABLE `oauth_sessions` (
	`state_hash` text PRIMARY KEY NOT NULL,
	`environment_id` integer NOT NULL,
	`integration_id` integer NOT NULL,
	`payload_enc` text NOT NULL,
	`expires_at` text NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`integration_id`) REFERENCES `integrations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `oauth_sessions_expiry` ON `oauth_sessions` (`expires_at`);--> statement-breakpoint
CREATE TABLE `outbox_events` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`environment_id` integer NOT NULL,
	`type` text NOT NULL,
	`connection_id` text,
	`integration_key` text,
	`payload` text NOT NULL,
	`delivered_at` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `outbox_env_created` ON `outbox_events` (`environment_id`,`id`);