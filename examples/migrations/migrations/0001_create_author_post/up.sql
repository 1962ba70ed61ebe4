-- covet migration: up
-- version: 0001
-- name: create_author_post
-- dialect: sqlite
-- risks: none

CREATE TABLE "author" ( "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "email" varchar(200) NOT NULL, "name" varchar(100) NOT NULL );

CREATE UNIQUE INDEX "author_email_key" ON "author" ("email");

CREATE TABLE "post" ( "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "author_id" integer NOT NULL, "title" varchar(200) NOT NULL, "body" varchar NOT NULL, "visibility" varchar NOT NULL, "published_at" timestamptz_text NOT NULL, FOREIGN KEY ("author_id") REFERENCES "author" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "post_visibility_check" CHECK ("visibility" IN ('draft', 'public')) );

CREATE INDEX "post_author_id_published_at_idx" ON "post" ("author_id", "published_at");
