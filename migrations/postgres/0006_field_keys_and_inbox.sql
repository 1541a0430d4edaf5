CREATE TABLE "field_keys" (
	"id" text PRIMARY KEY NOT NULL,
	"wrapped" "bytea" NOT NULL,
	"created_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE TABLE "rate_limit_hits" (
	"bucket" text NOT NULL,
	"hit_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
ALTER TABLE "deliveries" ADD COLUMN "sent_at" timestamp with time zone DEFAULT 'epoch' NOT NULL;--> statement-breakpoint
UPDATE "deliveries" SET "sent_at" = "messages"."created_at" FROM "messages" WHERE "messages"."id" = "deliveries"."message_id";--> statement-breakpoint
CREATE INDEX "rate_limit_hits_bucket_idx" ON "rate_limit_hits" USING btree ("bucket","hit_at");--> statement-breakpoint
CREATE INDEX "deliveries_inbox_idx" ON "deliveries" USING btree ("recipient_id","sent_at","message_id","id","access_ends_at","hidden_at","revoked_at");--> statement-breakpoint
CREATE INDEX "deliveries_inbox_count_idx" ON "deliveries" USING btree ("recipient_id","access_ends_at") WHERE "deliveries"."hidden_at" is null and "deliveries"."revoked_at" is null;