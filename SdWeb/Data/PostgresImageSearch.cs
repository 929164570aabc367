namespace SdWeb.Data;

/// <summary>
/// The PostgreSQL full-text index over image prompts and settings words, with the SQLite FTS5 path's semantics (<see cref="ImageSearch"/>):
/// a stored generated tsvector column with a GIN index, kept by the database. Text is split at every character that is
/// not a letter or digit and folded like unicode61 (lower case, diacritics removed by <c>unaccent</c>), so both databases
/// see the same words; a query is every word as a prefix phrase, all required (<c>sdweb_search_query</c>).
/// </summary>
public static class PostgresImageSearch
{
    public const string Column = "SearchVector";
    public const string Index = "IX_Images_SearchVector";

    /// <summary>
    /// unaccent is STABLE, so the generated column calls it through an IMMUTABLE wrapper naming its dictionary.
    /// <c>sdweb_search_query</c> makes the tsquery from the words of <see cref="ImageSearch.Words"/>, each folded as the
    /// index is and made a phrase of its parts with the last one a prefix ('tiny' &lt;-&gt; 'detail':*), all required.
    /// </summary>
    public const string CreateSql = $"""
        CREATE EXTENSION IF NOT EXISTS unaccent;
        CREATE FUNCTION sdweb_search_words(text) RETURNS text LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN
            trim(lower(regexp_replace(public.unaccent('public.unaccent'::regdictionary, coalesce($1, '')), '[^[:alnum:]]+', ' ', 'g')));
        CREATE FUNCTION sdweb_search_query(text[]) RETURNS tsquery LANGUAGE sql IMMUTABLE PARALLEL SAFE RETURN
            (SELECT string_agg(phrase, ' & ')::tsquery FROM (
                SELECT (SELECT string_agg(quote_literal(part), ' <-> ') FROM regexp_split_to_table(sdweb_search_words(word), ' ') part) || ':*' AS phrase
                FROM unnest($1) word WHERE sdweb_search_words(word) <> '') phrases);
        ALTER TABLE "Images" ADD COLUMN "{Column}" tsvector GENERATED ALWAYS AS
            (to_tsvector('simple'::regconfig, sdweb_search_words("Prompt") || ' ' || sdweb_search_words("NegativePrompt"))) STORED;
        CREATE INDEX "{Index}" ON "Images" USING GIN ("{Column}");
        """;

    /// <summary>
    /// The column made again over the prompts and the settings words (<see cref="ImageRecord.SearchText"/>; migration
    /// SearchSettings): a generated column's expression cannot be altered before PostgreSQL 17, so it is dropped and re-added.
    /// </summary>
    public const string WithSettingsSql = $"""
        DROP INDEX IF EXISTS "{Index}";
        ALTER TABLE "Images" DROP COLUMN IF EXISTS "{Column}";
        ALTER TABLE "Images" ADD COLUMN "{Column}" tsvector GENERATED ALWAYS AS
            (to_tsvector('simple'::regconfig, sdweb_search_words("Prompt") || ' ' || sdweb_search_words("NegativePrompt")
                || ' ' || sdweb_search_words("SearchText"))) STORED;
        CREATE INDEX "{Index}" ON "Images" USING GIN ("{Column}");
        """;

    /// <summary>Back to the column over the prompts alone (migration SearchSettings undone).</summary>
    public const string WithoutSettingsSql = $"""
        DROP INDEX IF EXISTS "{Index}";
        ALTER TABLE "Images" DROP COLUMN IF EXISTS "{Column}";
        ALTER TABLE "Images" ADD COLUMN "{Column}" tsvector GENERATED ALWAYS AS
            (to_tsvector('simple'::regconfig, sdweb_search_words("Prompt") || ' ' || sdweb_search_words("NegativePrompt"))) STORED;
        CREATE INDEX "{Index}" ON "Images" USING GIN ("{Column}");
        """;

    public const string DropSql = $"""
        DROP INDEX IF EXISTS "{Index}";
        ALTER TABLE "Images" DROP COLUMN IF EXISTS "{Column}";
        DROP FUNCTION IF EXISTS sdweb_search_query(text[]);
        DROP FUNCTION IF EXISTS sdweb_search_words(text);
        """;
}
