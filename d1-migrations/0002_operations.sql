CREATE TABLE `operations` (
	`id` integer PRIMARY KEY AUTOINCREMENT NOT NULL,
	`environment_id` integer NOT NULL,
	`type` text NOT NULL,
	`outcome` text NOT NULL,
	`connection_id` text,
	`integration_key` text,
	`provider` text,
	`method` text,
	`path` text,
	`status` integer,
	`duration_ms` integer NOT NULL,
	`retries` integer DEFAULT 0 NOT NULL,
	`bytes` integer,
	`error_code` text,
	`message` text,
	`request_id` text,
	`created_at` text DEFAULT (strftime('%Y-%m-%dT%H:%M:%fZ', 'now')) NOT NULL,
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `operations_env_created` ON `operations` (`environment_id`,`created_at`,`id`);--> statement-breakpoint
CREATE INDEX `operations_env_connection` ON `operations` (`environment_id`,`connection_id`,`created_at`);--> statement-breakpoint
CREATE INDEX `operations_created` ON `operations` (`created_at`);