-- covet migration: down
-- version: 0002
-- name: add_post_summary
-- dialect: sqlite
-- risk: C002 drops a column: drop column post.summary

ALTER TABLE "post" DROP COLUMN "summary";

ALTER TABLE "post" RENAME COLUMN "content" TO "body";
