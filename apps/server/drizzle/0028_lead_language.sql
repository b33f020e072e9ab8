-- The language a lead speaks, a BCP 47 tag (ADR 033); distribution rules and list filters match on it.
ALTER TABLE "leads" ADD COLUMN "language" text;