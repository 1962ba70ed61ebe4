-- covet migration: down
-- version: 0003
-- name: alter_post_visibility
-- dialect: sqlite
-- risk: C003 narrows a type: alter column post.visibility type
-- risk: D001 rebuilds a SQLite table: table post
-- covet:foreign-keys-off

CREATE TABLE "__covet_new_post" ( "id" integer NOT NULL PRIMARY KEY AUTOINCREMENT, "author_id" integer NOT NULL, "title" varchar(200) NOT NULL, "content" varchar NOT NULL, "summary" varchar NULL, "visibility" varchar NOT NULL, "published_at" timestamptz_text NOT NULL, FOREIGN KEY ("author_id") REFERENCES "author" ("id") ON DELETE CASCADE ON UPDATE NO ACTION, CONSTRAINT "post_visibility_check" CHECK ("visibility" IN ('draft', 'public')) );

INSERT INTO "__covet_new_post" ("id", "author_id", "title", "content", "summary", "visibility", "published_at") SELECT "id", "author_id", "title", "content", "summary", "visibility", "published_at" FROM "post";

DELETE FROM "sqlite_sequence" WHERE "name" = '__covet_new_post';

INSERT INTO "sqlite_sequence" ("name", "seq") SELECT '__covet_new_post', "seq" FROM "sqlite_sequence" WHERE "name" = 'post';

DROP TABLE "post";

ALTER TABLE "__covet_new_post" RENAME TO "post";

CREATE INDEX "post_author_id_published_at_idx" ON "post" ("author_id", "published_at");

PRAGMA foreign_key_check("post");
