CREATE TABLE `mailbox_members` (
	`mailbox_id` text NOT NULL,
	`member_id` text NOT NULL,
	`added_by_id` text,
	`created_at` integer NOT NULL,
	`accepted_at` integer,
	PRIMARY KEY(`mailbox_id`, `member_id`),
	FOREIGN KEY (`mailbox_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade,
	FOREIGN KEY (`member_id`) REFERENCES `accounts`(`id`) ON UPDATE no action ON DELETE cascade
);
--> statement-breakpoint
CREATE INDEX `mailbox_members_member_idx` ON `mailbox_members` (`member_id`);--> statement-breakpoint
ALTER TABLE `accounts` ADD `shared_mailbox` integer DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE `sessions` ADD `acting_mailbox_id` text REFERENCES accounts(id) ON DELETE SET NULL;