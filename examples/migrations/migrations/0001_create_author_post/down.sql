-- covet migration: down
-- version: 0001
-- name: create_author_post
-- dialect: sqlite
-- risk: C001 drops a table: drop table post
-- risk: C001 drops a table: drop table author

DROP TABLE "post";

DROP TABLE "author";
