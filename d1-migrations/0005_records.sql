CREATE TABLE `records` (
	`connection_row_id` integer NOT NULL,
	`model` text NOT NULL,
	`variant` text DEFAULT 'base' NOT NULL,
	`external_id` text NOT NULL,
	`data` text NOT NULL,
	`hash` text NOT NULL,
	`seq` integer NOT NULL,
	`first_seen_at` text NOT NULL,
	`last_modified_at` text NOT NULL,
	`last_action` text NOT NULL,
	`deleted_at` text,
	`pruned_at` text,
	`generation` integer DEFAULT 0 NOT NULL,
	PRIMARY KEY(`connection_row_id`, `model`, `variant`, `external_id`)
);
--> statement-breakpoint
CREATE INDEX `records_feed` ON `records` (`connection_row_id`,`model`,`variant`,`seq`);--> statement-breakpoint
CREATE TABLE `sync_slots` (
	`environment_id` integer NOT NULL,
	`holder` text NOT NULL,
	`expires_at_ms` integer NOT NULL,
	PRIMARY KEY(`environment_id`, `holder`),
	FOREIGN KEY (`environment_id`) REFERENCES `environments`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
ALTER TABLE `connections` ADD `records_db` text;