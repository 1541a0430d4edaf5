CREATE TABLE "mailbox_members" (
	"mailbox_id" text NOT NULL,
	"member_id" text NOT NULL,
	"added_by_id" text,
	"created_at" timestamp with time zone NOT NULL,
	"accepted_at" timestamp with time zone,
	CONSTRAINT "mailbox_members_mailbox_id_member_id_pk" PRIMARY KEY("mailbox_id","member_id")
);
--> statement-breakpoint
ALTER TABLE "accounts" ADD COLUMN "shared_mailbox" boolean DEFAULT false NOT NULL;--> statement-breakpoint
ALTER TABLE "sessions" ADD COLUMN "acting_mailbox_id" text;--> statement-breakpoint
ALTER TABLE "mailbox_members" ADD CONSTRAINT "mailbox_members_mailbox_id_accounts_id_fk" FOREIGN KEY ("mailbox_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
ALTER TABLE "mailbox_members" ADD CONSTRAINT "mailbox_members_member_id_accounts_id_fk" FOREIGN KEY ("member_id") REFERENCES "public"."accounts"("id") ON DELETE cascade ON UPDATE no action;--> statement-breakpoint
CREATE INDEX "mailbox_members_member_idx" ON "mailbox_members" USING btree ("member_id");--> statement-breakpoint
ALTER TABLE "sessions" ADD CONSTRAINT "sessions_acting_mailbox_id_accounts_id_fk" FOREIGN KEY ("acting_mailbox_id") REFERENCES "public"."accounts"("id") ON DELETE set null ON UPDATE no action;