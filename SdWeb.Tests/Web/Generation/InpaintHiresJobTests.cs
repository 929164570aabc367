using Microsoft.EntityFrameworkCore;
using SdWeb.Data;
using SdWeb.Engine.Pipelines.Hires;
using SdWeb.Generation;
using SdWeb.Tests.Web.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Web.Generation;

/// <summary>
/// Inpainting, hires fix and variation seeds through the job submitter and executor on SQLite: what the engine gets,
/// what is stored with the image, what Reproduce submits again, and what is refused (nothing stored then).
/// </summary>
[Layer(Layer.Web)]
public sealed class InpaintHiresJobTests
{
    [Fact]
    public async Task AnInpaintingJobGivesTheEngineItsMaskAndReproduceAppliesTheSameMaskAgain()
    {
        using var h = await GenerationHarness.CreateAsync();
        var sourceId = await ImportSourceAsync(h);
        var mask = MaskPng(64, 64, square: true);
        (int Width, byte Inside, byte Outside, int Blur, bool Invert, bool OnlyMasked, int Padding, bool Overlay)? seen = null;
        h.Factory.Configure = p => p.BeforeStep = (r, _, _) => seen = (r.Mask!.Width, r.Mask[20, 20].PackedValue, r.Mask[2, 2].PackedValue,
            r.MaskBlur, r.InvertMask, r.InpaintOnlyMasked, r.InpaintPadding, r.MaskOverlay);

        await h.SubmitAsync(change: r => r with
        {
            SourceImageId = sourceId,
            Mask = mask,
            MaskBlur = 6,
            InpaintOnlyMasked = true,
            InpaintPadding = 8,
            MaskOverlay = true,
        });
        await h.RunNextAsync();

        var expected = (64, (byte)255, (byte)0, 6, false, true, 8, true);
        Assert.Equal(expected, seen);
        var image = (await h.SavedAsync()).Single(i => i.JobId is not null);
        Assert.Equal(mask, image.Mask);
        Assert.Equal((6, false, true, 8, true), (image.MaskBlur, image.InvertMask, image.InpaintOnlyMasked, image.InpaintPadding, image.MaskOverlay));

        seen = null;
        var again = JobRequests.FromImage(image);
        Assert.Equal(mask, again.Mask);
        await h.SubmitAsync(change: _ => again);
        await h.RunNextAsync();
        Assert.Equal(expected, seen);
    }

    [Fact]
    public async Task HiresAndVariationSeedsAreStoredWithEachImageAndReproduceAlone()
    {
        using var h = await GenerationHarness.CreateAsync();
        var hires = new HiresFix { Upscaler = HiresUpscaler.Lanczos, Scale = 1.5, Steps = 3, Denoise = 0.5 };
        var seen = new List<(long? Subseed, double Strength, HiresFix? Hires)>();
        h.Factory.Configure = p => p.BeforeStep = (r, step, _) => { if (step == 1) seen.Add((r.Subseed, r.SubseedStrength, r.Hires)); };

        await h.SubmitAsync(change: r => r with { Hires = hires, Subseed = 7, SubseedStrength = 0.3, ImageCount = 2 });
        await h.RunNextAsync();

        // AUTOMATIC1111's batch rule: image i gets seed + i and subseed + i.
        Assert.Equal([(7L, 0.3, hires), (8L, 0.3, hires)], seen);
        var images = await h.SavedAsync();
        Assert.Equal([(100L, 7L, 0.3, hires), (101L, 8L, 0.3, hires)],
            images.Select(i => (i.Seed, i.Subseed, i.SubseedStrength, i.Hires)).ToList());

        seen.Clear();
        await h.SubmitAsync(change: _ => JobRequests.FromImage(images[1]));
        await h.RunNextAsync();
        Assert.Equal([(8L, 0.3, hires)], seen);
    }

    [Fact]
    public async Task ARandomSubseedIsPickedOnceForTheJob()
    {
        using var h = await GenerationHarness.CreateAsync();
        var id = await h.SubmitAsync(change: r => r with { SubseedStrength = 0.5, ImageCount = 2 });
        await h.RunNextAsync();

        var job = await h.JobAsync(id);
        Assert.NotNull(job.Subseed);
        Assert.Equal([job.Subseed, job.Subseed + 1], (await h.SavedAsync()).Select(i => i.Subseed).ToList());
    }

    public static TheoryData<string, string, string> BadRequests() => new()
    {
        { "a mask of another size", nameof(JobRequest.Mask), "The mask is 32x32 but the init image is 64x64; paint the mask on the image itself, at its size." },
        { "an empty mask", nameof(JobRequest.Mask), "The mask is empty (no pixel of 128 or more): nothing would be repainted; paint white where the image should change." },
        { "a mask that is not an image", nameof(JobRequest.Mask), "The mask is not a readable image" },
        { "a mask without a source", nameof(JobRequest.Mask), "A mask needs an init image" },
        { "hires scale 0", nameof(JobRequest.Hires), "Hires scale must be more than 1 and at most 4, not 0." },
        { "hires scale 16", nameof(JobRequest.Hires), "Hires scale must be more than 1 and at most 4, not 16." },
        { "hires with a source", nameof(JobRequest.Hires), "Hires fix is for txt2img" },
        { "subseed strength 2", nameof(JobRequest.SubseedStrength), "Variation seed strength (SubseedStrength) must be between 0 and 1, not 2." },
    };

    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task BadInputIsRefusedOnItsFieldAndNothingIsStored(string name, string field, string message)
    {
        using var h = await GenerationHarness.CreateAsync();
        var sourceId = await ImportSourceAsync(h);
        var valid = new JobRequest { Prompt = "a red fox", Steps = 2, Width = 64, Height = 64, Seed = 1 };
        var request = name switch
        {
            "a mask of another size" => valid with { SourceImageId = sourceId, Mask = MaskPng(32, 32, square: false) },
            "an empty mask" => valid with { SourceImageId = sourceId, Mask = MaskPng(64, 64, square: true, value: 0) },
            "a mask that is not an image" => valid with { SourceImageId = sourceId, Mask = "no picture"u8.ToArray() },
            "a mask without a source" => valid with { Mask = MaskPng(64, 64, square: true) },
            "hires scale 0" => valid with { Hires = new HiresFix { Scale = 0 } },
            "hires scale 16" => valid with { Hires = new HiresFix { Scale = 16 } },
            "hires with a source" => valid with { SourceImageId = sourceId, Hires = new HiresFix() },
            _ => valid with { Subseed = 3, SubseedStrength = 2 },
        };

        var result = await h.Submitter.SubmitAsync(request, "alice", CancellationToken.None);

        Assert.False(result.Accepted);
        Assert.Contains(message, Assert.Single(result.Errors[field]));
        await using var db = h.Database.CreateDbContext();
        Assert.Equal(0, await db.Jobs.CountAsync());
        Assert.Equal(1, await db.Images.CountAsync()); // the source only
        Assert.Equal(0, h.Queue.Count);
    }

    private static async Task<Guid> ImportSourceAsync(GenerationHarness h)
    {
        using var source = new Image<Rgb24>(64, 64, new Rgb24(10, 200, 30));
        return (await h.Images.ImportAsync(source, "alice", CancellationToken.None)).Id;
    }

    /// <summary>A PNG mask: black, with a <paramref name="value"/> square from (16, 16) to (40, 40) (or all of it).</summary>
    private static byte[] MaskPng(int width, int height, bool square, byte value = 255)
    {
        using var mask = new Image<L8>(width, height, new L8(square ? (byte)0 : value));
        if (square)
        {
            for (var y = 16; y < 40; y++)
                for (var x = 16; x < 40; x++)
                    mask[x, y] = new L8(value);
        }
        using var png = new MemoryStream();
        mask.SaveAsPng(png);
        return png.ToArray();
    }
}
