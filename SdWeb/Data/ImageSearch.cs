namespace SdWeb.Data;

/// <summary>
/// The FTS5 index over image prompts and settings (<see cref="ImageRecord.SearchText"/>): a standalone table keyed by
/// image id (rowids of a table with a GUID key may change on VACUUM, so the index does not rely on them), kept in sync
/// with Images by triggers. Migration FullTextSearch made it over the prompts (<see cref="CreateSql"/>); migration
/// SearchSettings rebuilds it with the settings (<see cref="WithSettingsSql"/>).
/// </summary>
public static class ImageSearch
{
    public const string Table = "ImageSearch";
    public const string InsertTrigger = "Images_SearchInsert";
    public const string DeleteTrigger = "Images_SearchDelete";
    public const string UpdateTrigger = "Images_SearchUpdate";

    public const string CreateSql = $"""
        CREATE VIRTUAL TABLE {Table} USING fts5(ImageId UNINDEXED, Prompt, NegativePrompt, tokenize = 'unicode61 remove_diacritics 2');
        CREATE TRIGGER {InsertTrigger} AFTER INSERT ON Images BEGIN
            INSERT INTO {Table} (ImageId, Prompt, NegativePrompt) VALUES (new.Id, new.Prompt, new.NegativePrompt);
        END;
        CREATE TRIGGER {DeleteTrigger} AFTER DELETE ON Images BEGIN
            DELETE FROM {Table} WHERE ImageId = old.Id;
        END;
        CREATE TRIGGER {UpdateTrigger} AFTER UPDATE OF Prompt, NegativePrompt ON Images BEGIN
            UPDATE {Table} SET Prompt = new.Prompt, NegativePrompt = new.NegativePrompt WHERE ImageId = old.Id;
        END;
        INSERT INTO {Table} (ImageId, Prompt, NegativePrompt) SELECT Id, Prompt, NegativePrompt FROM Images;
        """;

    public const string DropSql = $"""
        DROP TRIGGER IF EXISTS {InsertTrigger};
        DROP TRIGGER IF EXISTS {DeleteTrigger};
        DROP TRIGGER IF EXISTS {UpdateTrigger};
        DROP TABLE IF EXISTS {Table};
        """;

    /// <summary>The index rebuilt over the prompts and the settings words, filled from every image.</summary>
    public const string WithSettingsSql = DropSql + $"""

        CREATE VIRTUAL TABLE {Table} USING fts5(ImageId UNINDEXED, Prompt, NegativePrompt, SearchText, tokenize = 'unicode61 remove_diacritics 2');
        CREATE TRIGGER {InsertTrigger} AFTER INSERT ON Images BEGIN
            INSERT INTO {Table} (ImageId, Prompt, NegativePrompt, SearchText) VALUES (new.Id, new.Prompt, new.NegativePrompt, new.SearchText);
        END;
        CREATE TRIGGER {DeleteTrigger} AFTER DELETE ON Images BEGIN
            DELETE FROM {Table} WHERE ImageId = old.Id;
        END;
        CREATE TRIGGER {UpdateTrigger} AFTER UPDATE OF Prompt, NegativePrompt, SearchText ON Images BEGIN
            UPDATE {Table} SET Prompt = new.Prompt, NegativePrompt = new.NegativePrompt, SearchText = new.SearchText WHERE ImageId = old.Id;
        END;
        INSERT INTO {Table} (ImageId, Prompt, NegativePrompt, SearchText) SELECT Id, Prompt, NegativePrompt, SearchText FROM Images;
        """;

    /// <summary>Back to the prompts-only index (migration SearchSettings undone).</summary>
    public const string WithoutSettingsSql = DropSql + "\n" + CreateSql;

    /// <summary>
    /// Turns what a person typed into an FTS5 query that cannot be a syntax error: every word becomes a quoted prefix
    /// term ("cat"*), all of them required. Punctuation inside a word separates its parts as the index does, so
    /// "tiny-detail" (a LoRA name from a <c>&lt;lora:tiny-detail:0.8&gt;</c> tag) is the phrase "tiny detail"*.
    /// Returns null when nothing searchable is left.
    /// </summary>
    public static string? ToMatchQuery(string text)
    {
        var terms = Words(text).Select(w => $"\"{w}\"*").ToList();
        return terms.Count == 0 ? null : string.Join(' ', terms);
    }

    /// <summary>The searchable words a person typed, punctuation inside a word turned into spaces (both databases' queries start here).</summary>
    public static IReadOnlyList<string> Words(string text) => text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)
        .Select(w => new string(w.Select(c => char.IsLetterOrDigit(c) || c == '_' ? c : ' ').ToArray()).Trim())
        .Where(w => w.Length > 0)
        .ToList();
}
