using System.Security.Cryptography;
using Microsoft.Extensions.Logging.Abstractions;
using SdWeb.Engine.Imaging;
using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Engine.Pipelines;
using SdWeb.Generation;
using SdWeb.Options;
using SdWeb.Tests.Pipelines;
using SdWeb.Tests.Support;
using SdWeb.Tests.Web.Support;
using SixLabors.ImageSharp;

namespace SdWeb.Tests.Web.Generation;

/// <summary>A1111's SD VAE: a job names a VAE in models/VAE, which decodes its images, is stored and comes back on Reuse.</summary>
[Layer(Layer.Web)]
public sealed class JobVaeTests
{
    private static string GoldenVaeWeights => Golden.PathOf("tiny-sd", "vae", "diffusion_pytorch_model.safetensors");

    [Fact]
    public async Task AJobsVaeIsLoadedStoredWithItsImagesAndReused()
    {
        using var h = await GenerationHarness.CreateAsync();
        var vae = Path.Combine(h.Options.ModelsPath, "VAE", "sharp.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(vae)!);
        File.WriteAllBytes(vae, []); // the fake engine never reads it

        var id = await h.SubmitAsync(change: r => r with { Vae = "sharp.safetensors" });
        await h.RunNextAsync();

        Assert.Equal(vae, h.Factory.VaePaths.Last());
        Assert.Equal("sharp.safetensors", (await h.JobAsync(id)).Vae);
        var image = Assert.Single(await h.SavedAsync());
        Assert.Equal("sharp.safetensors", image.Vae);
        Assert.Equal("sharp.safetensors", JobRequests.FromImage(image).Vae);
    }

    [Fact]
    public async Task AnUnknownVaeIsRefusedNamingTheField()
    {
        using var h = await GenerationHarness.CreateAsync();

        var result = await h.Submitter.SubmitAsync(new JobRequest { Prompt = "a fox", Vae = "../model-a.safetensors" }, "alice", CancellationToken.None);

        Assert.False(result.Accepted);
        Assert.Contains("Unknown VAE '../model-a.safetensors'", Assert.Single(result.Errors[nameof(JobRequest.Vae)]), StringComparison.Ordinal);
    }

    [Fact]
    public void TheModelsOwnVaeWeightsAsASeparateFileDecodeTheSameImageAndPerturbedOnesChangeIt()
    {
        using var dir = new TempDir();
        var options = new SdWebOptions { ModelsDir = dir["models"] };
        Directory.CreateDirectory(Path.Combine(options.ModelsPath, "VAE"));
        dir.CopyFrom(Golden.TinySdFolder, "models/tiny-sd");
        var same = Path.Combine(options.ModelsPath, "VAE", "same.safetensors");
        File.Copy(GoldenVaeWeights, same);
        WritePerturbed(Path.Combine(options.ModelsPath, "VAE", "perturbed.safetensors"));
        var host = new PipelineHost(new PipelineFactory(TinySdPipelineFixture.CpuFloat32), new ModelLibrary(options), new VaeLibrary(options),
            NullLogger<PipelineHost>.Instance);
        try
        {
            using var own = Generate(host, null);
            using var withSame = Generate(host, "same.safetensors");
            using var perturbed = Generate(host, "perturbed.safetensors");

            Assert.Equal(Pixels(own), Pixels(withSame));
            Assert.NotEqual(Pixels(own), Pixels(perturbed));
            var sha256 = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(same)));
            Assert.Contains($", VAE hash: {sha256[..10]}, VAE: same.safetensors,", Infotext(withSame), StringComparison.Ordinal);
            Assert.DoesNotContain("VAE", Infotext(own), StringComparison.Ordinal);
        }
        finally
        {
            host.Release();
        }
    }

    private static GenerationResult Generate(PipelineHost host, string? vae) => host.Get("tiny-sd", vae).Generate(
        new GenerationRequest { Prompts = ["a red fox"], Steps = 2, Width = 64, Height = 64, Seed = 7 }, null, CancellationToken.None);

    private static byte[] Pixels(GenerationResult result)
    {
        var image = result.Images[0].Image;
        var bytes = new byte[image.Width * image.Height * 3];
        image.CopyPixelDataTo(bytes);
        return bytes;
    }

    private static string Infotext(GenerationResult result) => A1111ParametersText.Format(result.Images[0], result.Parameters, 1);

    /// <summary>The golden VAE with its decoder's last convolution's bias shifted: a different VAE of the same shape.</summary>
    private static void WritePerturbed(string path)
    {
        using var source = SafeTensorsFile.Open(GoldenVaeWeights);
        var entries = source.Tensors.Values.Select(t => new SafeTensorEntry(t.Name, t.ScalarType, t.Shape)).ToList();
        SafeTensorsFile.Write(path, entries, name =>
        {
            var tensor = source.Read(name);
            if (name != "decoder.conv_out.bias") return tensor;
            using (tensor) return tensor.add(0.5);
        }, ownsTensors: true);
    }
}
