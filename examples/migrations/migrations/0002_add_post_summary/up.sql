-- covet migration: up
-- version: 0002
-- name: add_post_summary
-- dialect: sqlite
-- risks: none

ALTER TABLE "post" RENAME COLUMN "body" TO "content";

ALTER TABLE "post" ADD COLUMN "summary" varchar NULL;
