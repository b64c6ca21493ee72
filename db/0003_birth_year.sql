-- Birth dates given as a year only (issue 4): prospect lists and people often know just "1965". The
-- year is kept whenever it is known, from a full date too, so the duplicate check "same name, birth
-- year and commune" reads one column; birth_date stays NULL when only the year is known.

ALTER TABLE persons ADD COLUMN birth_year INTEGER;

UPDATE persons SET birth_year = CAST(substr(birth_date, 1, 4) AS INTEGER) WHERE birth_date IS NOT NULL;
