CREATE TABLE "blob_deletions" (
	"blob_id" text PRIMARY KEY NOT NULL,
	"queued_at" timestamp with time zone NOT NULL
);
--> statement-breakpoint
CREATE INDEX "blob_deletions_queued_idx" ON "blob_deletions" USING btree ("queued_at","blob_id");--> statement-breakpoint
CREATE INDEX "deliveries_access_ends_at_idx" ON "deliveries" USING btree ("access_ends_at");