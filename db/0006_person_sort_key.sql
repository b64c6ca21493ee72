-- People listed in Vietnamese alphabetical order (fieldapp.domain.text.sort_key): by given name, then
-- family and middle names, with ă â đ ê ô ơ ư as letters of their own and tones breaking ties. The folded
-- `name_key` stays for search. `vi_sort_key` is the same Python function, registered on every
-- connection (fieldapp.storage.driver). The partial index lists everybody shown without reading rows.

ALTER TABLE persons ADD COLUMN sort_key TEXT NOT NULL DEFAULT '';
UPDATE persons SET sort_key = vi_sort_key(full_name) WHERE full_name <> '';
CREATE INDEX persons_in_list_order ON persons (sort_key) WHERE erased_at IS NULL AND merged_into IS NULL;
