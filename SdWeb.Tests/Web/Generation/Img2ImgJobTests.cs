using SdWeb.Data;
using SdWeb.Tests.Web.Support;
using SixLabors.ImageSharp;
using SixLabors.ImageSharp.PixelFormats;

namespace SdWeb.Tests.Web.Generation;

[Layer(Layer.Web)]
public class Img2ImgJobTests
{
    [Fact]
    public async Task AStoredImageBecomesTheEnginesInitImageWithTheChosenStrength()
    {
        using var h = await GenerationHarness.CreateAsync();
        using var source = new Image<Rgb24>(96, 80, new Rgb24(10, 200, 30));
        var sourceId = (await h.Images.ImportAsync(source, "alice", CancellationToken.None)).Id;

        var jobId = await h.SubmitAsync(change: r => r with { SourceImageId = sourceId, Strength = 0.5 });
        (int Width, int Height, Rgb24 Pixel, double Strength)? seen = null;
        h.Factory.Configure = p => p.BeforeStep = (request, _, _) =>
            seen ??= (request.InitImage!.Width, request.InitImage.Height, request.InitImage[5, 5], request.Strength);
        await h.RunNextAsync();

        Assert.Equal(JobStatus.Succeeded, (await h.JobAsync(jobId)).Status);
        Assert.Equal((96, 80, new Rgb24(10, 200, 30), 0.5), seen);
    }
}
