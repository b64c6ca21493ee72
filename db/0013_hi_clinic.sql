-- The registered clinic (nơi KCB ban đầu) of a person's HI card (issue 17, item 2): the D03-TS names it
-- for a new member, and the label handed over with a card carries it in the QR's field [5] (forms.md), as
-- the card does. Held as the card prints it, "33 - 105" (fieldapp.domain.validators.check_clinic); NULL
-- where the team does not know it.
ALTER TABLE persons ADD COLUMN hi_clinic TEXT;
