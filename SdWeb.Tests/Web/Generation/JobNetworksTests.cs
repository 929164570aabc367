using System.Security.Cryptography;
using Microsoft.EntityFrameworkCore;
using SdWeb.Data;
using SdWeb.Engine.Pipelines;
using SdWeb.Gallery;
using SdWeb.Generation;
using SdWeb.Tests.Support;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Generation;

/// <summary>LoRAs and embeddings from the models folder through submit, run, storage, search and Reproduce.</summary>
[Layer(Layer.Web)]
public sealed class JobNetworksTests
{
    private const string LoraPrompt = "a red fox <lora:tiny-detail:0.8>";

    [Fact]
    public async Task SubmitStoresLoraWithItsHashClipSkipAndA1111Syntax()
    {
        using var h = await GenerationHarness.CreateAsync();
        AddLora(h, "tiny-detail");

        var id = await h.SubmitAsync(change: r => r with { Prompt = LoraPrompt, ClipSkip = 2 });

        var job = await h.JobAsync(id);
        Assert.Equal(PromptSyntax.A1111, job.PromptSyntax);
        Assert.Equal(2, job.ClipSkip);
        var lora = Assert.Single(job.Loras);
        Assert.Equal(("tiny-detail", 0.8), (lora.Name, lora.Weight));
        Assert.Equal(DataAreaHash(GoldenLora("tiny-detail")), lora.Hash);
    }

    [Fact]
    public async Task UnknownLoraIsAPromptErrorListingTheAvailableOnesAndNothingIsStored()
    {
        using var h = await GenerationHarness.CreateAsync();
        AddLora(h, "tiny-detail");
        AddLora(h, "tiny-sketch");

        var result = await h.Submitter.SubmitAsync(new JobRequest { Prompt = "a fox <lora:nope:1>" }, "alice", CancellationToken.None);

        Assert.False(result.Accepted);
        var message = Assert.Single(result.Errors[nameof(JobRequest.Prompt)]);
        Assert.Contains("nope", message, StringComparison.Ordinal);
        Assert.Contains("tiny-detail, tiny-sketch", message, StringComparison.Ordinal);
        await using var db = h.Database.CreateDbContext();
        Assert.Empty(await db.Jobs.ToListAsync());
    }

    [Fact]
    public async Task RunGivesTheEngineTheLoraFileAndOnlyEmbeddingsThePromptsUse()
    {
        using var h = await GenerationHarness.CreateAsync();
        AddLora(h, "tiny-detail");
        var embeddings = Directory.CreateDirectory(Path.Combine(h.Options.ModelsDir, "embeddings")).FullName;
        File.Copy(Golden.PathOf("features", "embeddings", "tiny-style.safetensors"), Path.Combine(embeddings, "tiny-style.safetensors"));
        File.Copy(Golden.PathOf("features", "embeddings", "tiny-style.safetensors"), Path.Combine(embeddings, "unused.safetensors"));

        await h.SubmitAsync(change: r => r with { Prompt = LoraPrompt, NegativePrompt = "tiny-style, blurry", ClipSkip = 2 });
        await h.RunNextAsync();

        var request = h.Factory.Loaded.Single().Requests.Single();
        var lora = Assert.Single(request.Loras);
        Assert.Equal(("tiny-detail", Path.Combine(h.Options.ModelsDir, "Lora", "tiny-detail.safetensors"), 0.8),
            (lora.Name, Path.GetFullPath(lora.Path), lora.Multiplier));
        Assert.Equal([Path.Combine(embeddings, "tiny-style.safetensors")], request.Embeddings.Select(Path.GetFullPath));
        Assert.Equal((PromptSyntax.A1111, 2), (request.PromptSyntax, request.ClipSkip));

        var image = Assert.Single(await h.SavedAsync());
        Assert.Equal(2, image.ClipSkip);
        Assert.Equal("tiny-detail", Assert.Single(image.Loras).Name);
        var embedding = Assert.Single(image.Embeddings);
        Assert.Equal(("tiny-style", WholeFileHash(GoldenEmbedding())), (embedding.Name, embedding.Hash));
    }

    [Fact]
    public async Task GallerySearchFindsAnImageByItsLoraName()
    {
        using var h = await GenerationHarness.CreateAsync();
        AddLora(h, "tiny-detail");
        await h.SubmitAsync(change: r => r with { Prompt = LoraPrompt });
        await h.SubmitAsync(change: r => r with { Prompt = "a grey wolf" });
        await h.RunNextAsync();
        await h.RunNextAsync();

        var page = await new GallerySearch(h.Database).SearchAsync(new GalleryQuery { Text = "tiny-detail" }, 0, 10);

        Assert.Equal([LoraPrompt], page.Items.Select(i => i.Prompt));
    }

    [Fact]
    public async Task ReproduceWithAChangedLoraFileSaysSoAndQueuesNothing()
    {
        using var h = await GenerationHarness.CreateAsync();
        var path = AddLora(h, "tiny-detail");
        await h.SubmitAsync(change: r => r with { Prompt = LoraPrompt });
        await h.RunNextAsync();
        var image = Assert.Single(await h.SavedAsync());
        File.Copy(GoldenLora("tiny-sketch"), path, overwrite: true);

        var result = await h.Submitter.SubmitAsync(ReproduceRequest.For(image), "alice", CancellationToken.None);

        Assert.False(result.Accepted);
        var message = Assert.Single(result.Errors[nameof(JobRequest.Prompt)]);
        Assert.Contains($"\"tiny-detail\" has changed: hash {DataAreaHash(GoldenLora("tiny-detail"))} when used, {DataAreaHash(GoldenLora("tiny-sketch"))} now",
            message, StringComparison.Ordinal);
        await using var db = h.Database.CreateDbContext();
        Assert.Single(await db.Jobs.ToListAsync());
    }

    [Fact]
    public async Task ReproduceWithAMissingLoraFileSaysSo()
    {
        using var h = await GenerationHarness.CreateAsync();
        var path = AddLora(h, "tiny-detail");
        await h.SubmitAsync(change: r => r with { Prompt = LoraPrompt });
        await h.RunNextAsync();
        var image = Assert.Single(await h.SavedAsync());
        File.Delete(path);

        var result = await h.Submitter.SubmitAsync(ReproduceRequest.For(image), "alice", CancellationToken.None);

        Assert.False(result.Accepted);
        Assert.Contains(result.Errors[nameof(JobRequest.Prompt)], m => m.Contains("\"tiny-detail\"", StringComparison.Ordinal)
            && m.Contains("no longer in", StringComparison.Ordinal));
    }

    [Fact]
    public async Task AJobWhoseLoraChangedAfterSubmitFailsWithoutImages()
    {
        using var h = await GenerationHarness.CreateAsync();
        var path = AddLora(h, "tiny-detail");
        var id = await h.SubmitAsync(change: r => r with { Prompt = LoraPrompt });
        File.Copy(GoldenLora("tiny-sketch"), path, overwrite: true);

        await h.RunNextAsync();

        var job = await h.JobAsync(id);
        Assert.Equal(JobStatus.Failed, job.Status);
        Assert.Contains("has changed", job.Error, StringComparison.Ordinal);
        Assert.Empty(await h.SavedAsync());
    }

    private static string GoldenLora(string name) => Golden.PathOf("features", "lora", name + ".safetensors");

    private static string GoldenEmbedding() => Golden.PathOf("features", "embeddings", "tiny-style.safetensors");

    private static string AddLora(GenerationHarness h, string name)
    {
        var folder = Directory.CreateDirectory(Path.Combine(h.Options.ModelsDir, "Lora")).FullName;
        var path = Path.Combine(folder, name + ".safetensors");
        File.Copy(GoldenLora(name), path);
        return path;
    }

    /// <summary>A1111's LoRA hash (kohya's "addnet" hash): SHA-256 of what follows the safetensors header, 12 hex digits.</summary>
    private static string DataAreaHash(string path)
    {
        var bytes = File.ReadAllBytes(path);
        var headerLength = (int)BitConverter.ToInt64(bytes, 0);
        return Convert.ToHexStringLower(SHA256.HashData(bytes.AsSpan(8 + headerLength)))[..12];
    }

    private static string WholeFileHash(string path) => Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(path)))[..12];
}
