CREATE TABLE `async_actions` (
	`id` text PRIMARY KEY NOT NULL,
	`environment_id` integer NOT NULL,
	`integration_id` integer NOT NULL,
	`connection_row_id` integer NOT NULL,
	`action_name` text NOT NULL,
	`input` text NOT NULL,
	`status` text NOT NULL,
	`attempts` integer DEFAULT 0 NOT NULL,
	`max_retries` integer DEFAULT 0 NOT NULL,
	`output` text,
	`error` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`integration_id`) REFERENCES `integrations`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`connection_row_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `async_actions_env_created` ON `async_actions` (`environment_id`,`created_at`);--> statement-breakpoint
CREATE TABLE `function_checkpoints` (
	`connection_row_id` integer NOT NULL,
	`function_name` text NOT NULL,
	`checkpoint` text NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	PRIMARY KEY(`connection_row_id`, `function_name`),
	FOREIGN KEY (`connection_row_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `function_locks` (
	`connection_row_id` integer NOT NULL,
	`key` text NOT NULL,
	`owner` text NOT NULL,
	`expires_at` integer NOT NULL,
	PRIMARY KEY(`connection_row_id`, `key`),
	FOREIGN KEY (`connection_row_id`) REFERENCES `connections`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE TABLE `functions` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`environment_id` integer NOT NULL,
	`integration_id` integer NOT NULL,
	`name` text NOT NULL,
	`type` text NOT NULL,
	`version` text,
	`definition` text NOT NULL,
	`dispatch_name` text NOT NULL,
	`bundle_hash` text NOT NULL,
	`definition_hash` text NOT NULL,
	`enabled` integer DEFAULT true NOT NULL,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	`updated_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`integration_id`) REFERENCES `integrations`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE UNIQUE INDEX `functions_env_integration_type_name` ON `functions` (`environment_id`,`integration_id`,`type`,`name`);