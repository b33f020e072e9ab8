DROP INDEX "leads_search_vector_idx";--> statement-breakpoint
ALTER TABLE "leads" DROP COLUMN "search_vector";--> statement-breakpoint
ALTER TABLE "leads" drop column "name_search";--> statement-breakpoint
ALTER TABLE "leads" ADD COLUMN "name_search" text GENERATED ALWAYS AS (translate(lower(coalesce(first_name, '') || ' ' || coalesce(last_name, '') || ' ' || coalesce(company, '')), 'áàâãäåāăąéèêëēėęěíìîïīįóòôõöøōőúùûüūůűçćčñńňýÿšśžźżďťřľĺłÁÀÂÃÄÅĀĂĄÉÈÊËĒĖĘĚÍÌÎÏĪĮÓÒÔÕÖØŌŐÚÙÛÜŪŮŰÇĆČÑŃŇÝŸŠŚŽŹŻĎŤŘĽĹŁ', 'aaaaaaaaaeeeeeeeeiiiiiioooooooouuuuuuucccnnnyysszzzdtrlllaaaaaaaaaeeeeeeeeiiiiiioooooooouuuuuuucccnnnyysszzzdtrlll')) STORED NOT NULL;--> statement-breakpoint
CREATE INDEX "leads_name_trgm_idx" ON "leads" USING gin ("name_search" gin_trgm_ops);
