using SdWeb.Data;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Networks;

namespace SdWeb.Generation;

/// <summary>
/// The LoRAs and embeddings of a job, between the models folder and what is stored: resolved from the prompt's tags and
/// trigger words when a job is submitted, and found again (same name, same hash) when it runs or an image is reproduced,
/// so a missing or replaced file is reported instead of silently making a different image.
/// </summary>
public sealed class JobNetworks(NetworkLibrary library)
{
    /// <summary>The LoRAs the prompt's <c>&lt;lora:…&gt;</c> tags ask for and the embeddings whose trigger words either prompt contains.</summary>
    /// <exception cref="ModelLoadException">A tag names no LoRA (the message lists them), or a file cannot be read.</exception>
    public (List<LoraUse> Loras, List<EmbeddingUse> Embeddings) Resolve(string prompt, string negativePrompt)
    {
        var loraHashes = library.Loras().ToDictionary(f => f.Path, f => f.ShortHash);
        var loras = library.LorasIn(prompt).Select(l => new LoraUse(l.Name, l.Multiplier, loraHashes[l.Path])).ToList();
        var embeddings = library.Embeddings()
            .Where(e => prompt.Contains(e.Name, StringComparison.Ordinal) || negativePrompt.Contains(e.Name, StringComparison.Ordinal))
            .Select(e => new EmbeddingUse(e.Name, e.ShortHash))
            .ToList();
        // The library lists pickles and corrupt files without a hash; refused here, before anything is stored.
        var unreadable = loras.Where(l => l.Hash.Length == 0).Select(l => l.Name)
            .Concat(embeddings.Where(e => e.Hash.Length == 0).Select(e => e.Name))
            .ToList();
        if (unreadable.Count > 0)
            throw new ModelLoadException(
                $"Cannot read {string.Join(", ", unreadable)}: only .safetensors files are loaded (convert .pt/.bin files to .safetensors).");
        return (loras, embeddings);
    }

    /// <summary>What differs between the stored networks and the models folder now; empty when every file is there unchanged.</summary>
    public IReadOnlyList<string> Changes(IEnumerable<LoraUse> loras, IEnumerable<EmbeddingUse> embeddings)
    {
        var problems = new List<string>();
        Compare(loras.Select(l => (l.Name, l.Hash)), library.Loras(), "LoRA", library.LoraFolder, problems);
        Compare(embeddings.Select(e => (e.Name, e.Hash)), library.Embeddings(), "Embedding", library.EmbeddingsFolder, problems);
        return problems;
    }

    /// <summary>The files a stored job uses, for the engine request.</summary>
    /// <exception cref="InvalidOperationException">A file is missing or has changed since the job was submitted.</exception>
    public (IReadOnlyList<NetworkActivation> Loras, IReadOnlyList<string> Embeddings) Files(GenerationJob job)
    {
        var changes = Changes(job.Loras, job.Embeddings);
        if (changes.Count > 0) throw new InvalidOperationException(string.Join(" ", changes));
        var embeddings = library.Embeddings();
        return (job.Loras.Select(l => library.Lora(l.Name, l.Weight)).ToList(),
            job.Embeddings.Select(e => embeddings.First(f => f.Name == e.Name).Path).ToList());
    }

    private static void Compare(
        IEnumerable<(string Name, string Hash)> stored, IReadOnlyList<NetworkFile> present, string kind, string folder, List<string> problems)
    {
        foreach (var (name, hash) in stored)
        {
            var file = present.FirstOrDefault(f => f.Name == name)
                ?? present.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
            if (file is null)
                problems.Add($"{kind} \"{name}\" (hash {hash}) is no longer in {folder}.");
            else if (file.ShortHash != hash)
                problems.Add($"{kind} \"{name}\" has changed: hash {hash} when used, {file.ShortHash} now.");
        }
    }
}
