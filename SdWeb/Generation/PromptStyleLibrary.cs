using Microsoft.EntityFrameworkCore;
using SdWeb.Data;

namespace SdWeb.Generation;

/// <summary>The team's prompt styles in the database: listed, saved, deleted, and applied to a job when it is submitted.</summary>
public sealed class PromptStyleLibrary(IDbContextFactory<AppDbContext> dbFactory, TimeProvider clock)
{
    public async Task<IReadOnlyList<PromptStyle>> ListAsync(CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var styles = await db.PromptStyles.AsNoTracking().ToListAsync(cancellationToken);
        return [.. styles.OrderBy(s => s.Name, StringComparer.OrdinalIgnoreCase)];
    }

    /// <summary>Creates a style, or updates the one with <paramref name="id"/>.</summary>
    /// <returns>Null when saved; otherwise what to fix.</returns>
    public async Task<string?> SaveAsync(Guid? id, string name, string prompt, string negativePrompt, CancellationToken cancellationToken)
    {
        name = name.Trim();
        if (name.Length == 0) return "A style needs a name.";
        if (name.Length > PromptStyle.MaxNameLength) return $"A style name has at most {PromptStyle.MaxNameLength} characters.";
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        if (await db.PromptStyles.AnyAsync(s => s.Name == name && s.Id != id, cancellationToken))
            return $"A style named '{name}' exists already; pick another name.";
        PromptStyle? style;
        if (id is { } existing)
        {
            style = await db.PromptStyles.FirstOrDefaultAsync(s => s.Id == existing, cancellationToken);
            if (style is null) return "The style was deleted meanwhile.";
            style.Name = name;
        }
        else
        {
            style = new PromptStyle { Name = name };
            db.PromptStyles.Add(style);
        }
        (style.Prompt, style.NegativePrompt, style.UpdatedAt) = (prompt, negativePrompt, clock.GetUtcNow().UtcDateTime);
        await db.SaveChangesAsync(cancellationToken);
        return null;
    }

    public async Task DeleteAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        await db.PromptStyles.Where(s => s.Id == id).ExecuteDeleteAsync(cancellationToken);
    }

    /// <summary>
    /// The prompt and negative prompt with the named styles applied in order (the job stores these, so it reproduces
    /// without its styles); the names that exist nowhere are returned instead of being ignored.
    /// </summary>
    public async Task<(string Prompt, string NegativePrompt, IReadOnlyList<string> Unknown)> ApplyAsync(
        string prompt, string negativePrompt, IReadOnlyList<string> names, CancellationToken cancellationToken)
    {
        if (names.Count == 0) return (prompt, negativePrompt, []);
        await using var db = await dbFactory.CreateDbContextAsync(cancellationToken);
        var found = await db.PromptStyles.AsNoTracking().Where(s => names.Contains(s.Name)).ToDictionaryAsync(s => s.Name, cancellationToken);
        var unknown = names.Where(n => !found.ContainsKey(n)).ToList();
        var styles = names.Where(found.ContainsKey).Select(n => found[n]).ToList();
        return (PromptStyles.Apply(prompt, styles.Select(s => s.Prompt)),
            PromptStyles.Apply(negativePrompt, styles.Select(s => s.NegativePrompt)), unknown);
    }
}
