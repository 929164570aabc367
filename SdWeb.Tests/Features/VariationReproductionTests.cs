using SdWeb.Engine.Pipelines;
using SdWeb.Tests.Pipelines;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Features;

/// <summary>The variation seed a generation used is in its parameters and makes the same images again.</summary>
[Layer(Layer.Engine)]
public sealed class VariationReproductionTests(TinySdPipelineFixture fixture) : IClassFixture<TinySdPipelineFixture>
{
    private static readonly GenerationRequest Request = new()
    {
        Prompts = ["a photograph of an astronaut riding a horse"], Sampler = "dpmpp_2m_sde_karras", Steps = 6,
        Seed = 100, Width = 64, Height = 64, ImagesPerPrompt = 2, SubseedStrength = 0.4, TimestepSpacing = "trailing",
    };

    [Fact]
    public void ARandomSubseedIsRecordedAndReproducesThePixels()
    {
        using var first = fixture.Pipeline.Generate(Request, null, CancellationToken.None);
        Assert.NotNull(first.Parameters.Subseed);
        Assert.Equal(0.4, first.Parameters.SubseedStrength);
        Assert.Equal("trailing", first.Parameters.TimestepSpacing);

        using var again = fixture.Pipeline.Generate(Request with { Subseed = first.Parameters.Subseed }, null, CancellationToken.None);
        // The hash lists are compared by content (a record compares list members by reference).
        Assert.Equal(first.Parameters, again.Parameters with { LoraHashes = first.Parameters.LoraHashes, EmbeddingHashes = first.Parameters.EmbeddingHashes });
        Assert.Equal(first.Parameters.LoraHashes, again.Parameters.LoraHashes);
        Assert.Equal(first.Parameters.EmbeddingHashes, again.Parameters.EmbeddingHashes);
        for (int i = 0; i < 2; i++)
            Assert.Equal(Pixels(first.Images[i].Image), Pixels(again.Images[i].Image));
    }

    [Fact]
    public void StrengthZeroIsThePlainSeedAndRecordsNoSubseed()
    {
        using var plain = fixture.Pipeline.Generate(Request with { SubseedStrength = 0, ImagesPerPrompt = 1 }, null, CancellationToken.None);
        using var zero = fixture.Pipeline.Generate(Request with { SubseedStrength = 0, Subseed = 7, ImagesPerPrompt = 1 }, null, CancellationToken.None);
        Assert.Null(zero.Parameters.Subseed);
        Assert.Equal(Pixels(plain.Images[0].Image), Pixels(zero.Images[0].Image));
    }

    private static byte[] Pixels(Image<Rgb24> image)
    {
        var bytes = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(bytes);
        return bytes;
    }
}
