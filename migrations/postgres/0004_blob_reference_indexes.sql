CREATE INDEX "attachments_blob_idx" ON "attachments" USING btree ("blob_id");--> statement-breakpoint
CREATE INDEX "messages_body_blob_idx" ON "messages" USING btree ("body_blob_id");