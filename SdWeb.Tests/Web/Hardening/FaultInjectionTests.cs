using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Data;
using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Generation;
using SdWeb.Tests.Web.Support;
using TorchSharp;

namespace SdWeb.Tests.Web.Hardening;

/// <summary>
/// Faults inside a job, on the real app with its engine worker and the tiny model: each fails only its own job with a
/// message its user can read, and the next job succeeds.
/// Runs in the app collection so that two in-process engines never compete for the two cores.
/// </summary>
[Collection(AppCollection.Name)]
[Layer(Layer.Hardening)]
public sealed class FaultInjectionTests
{
    [Fact]
    public async Task AnEngineThatThrowsRunsOutOfMemoryOrProducesNaNFailsThatJobAndTheNextSucceeds()
    {
        await using var app = new EngineHostApp();
        PoisonedCopy(app.Dir["models"], "tiny-sd-nan");
        var admin = await app.AdminAsync();

        var crashed = await EngineHostApp.RunAsync(admin, $"a fox {FaultInjectingFactory.Crash}");
        Assert.Equal(("Failed", $"The engine failed: {FaultInjectingFactory.CrashMessage}"), (crashed.Status, crashed.Error));
        Assert.Equal("Succeeded", (await EngineHostApp.RunAsync(admin, "a fox after a crash")).Status);

        var starved = await EngineHostApp.RunAsync(admin, $"a fox {FaultInjectingFactory.OutOfMemory}");
        Assert.Equal("Failed", starved.Status);
        Assert.StartsWith("Out of memory on cpu while generating. Make the image smaller, generate fewer images at once", starved.Error);
        Assert.Equal("Succeeded", (await EngineHostApp.RunAsync(admin, "a fox after running out of memory")).Status);

        var nan = await EngineHostApp.RunAsync(admin, "a fox on a broken model", "tiny-sd-nan");
        Assert.Equal("Failed", nan.Status);
        Assert.Contains("NaN or infinite values", nan.Error);
        Assert.Equal("Succeeded", (await EngineHostApp.RunAsync(admin, "a fox after NaN")).Status);

        Assert.Empty(crashed.ImageIds.Concat(starved.ImageIds).Concat(nan.ImageIds));
    }

    [Fact]
    public async Task AModelThatFailsToLoadLeavesThePreviousOneInServiceAndSaysWhy()
    {
        await using var app = new EngineHostApp();
        File.WriteAllBytes(Path.Combine(app.Dir["models"], "broken.safetensors"), CraftedFiles.SafetensorsWithBadJson());
        var admin = await app.AdminAsync();
        Assert.Equal("Succeeded", (await EngineHostApp.RunAsync(admin, "a fox")).Status);

        var broken = await EngineHostApp.RunAsync(admin, "a fox", "broken.safetensors");

        Assert.Equal("Failed", broken.Status);
        Assert.Contains("broken.safetensors: malformed header JSON", broken.Error);
        Assert.Equal(LiveTeam.Model, app.Services.GetRequiredService<PipelineHost>().LoadedModel);
        Assert.Equal("Succeeded", (await EngineHostApp.RunAsync(admin, "a fox again")).Status);
    }

    [Fact]
    public async Task AFullDiskFailsTheJobClearlyAndLeavesNothingHalfWritten()
    {
        await using var app = new EngineHostApp();
        var admin = await app.AdminAsync();
        var images = Path.Combine(app.Dir["data"], "images");

        app.Disk.Full = true;
        var failed = await EngineHostApp.RunAsync(admin, "a fox on a full disk");
        app.Disk.Full = false;

        Assert.Equal(("Failed", $"Could not save the image: {FillingDisk.Message}"), (failed.Status, failed.Error));
        Assert.Empty(Directory.Exists(images) ? Directory.EnumerateFiles(images, "*", SearchOption.AllDirectories) : []);
        using (var scope = app.Services.CreateScope())
            Assert.Equal(0, await scope.ServiceProvider.GetRequiredService<AppDbContext>().Images.CountAsync());

        var next = await EngineHostApp.RunAsync(admin, "a fox once there is room");
        Assert.Equal("Succeeded", next.Status);
        Assert.Equal(2, Directory.EnumerateFiles(images, "*", SearchOption.AllDirectories).Count()); // its PNG and thumbnail
    }

    /// <summary>A copy of the tiny model whose UNet output bias is NaN, so sampling produces NaN as a broken fp16 model does.</summary>
    private static void PoisonedCopy(string modelsDir, string name)
    {
        var source = Path.Combine(modelsDir, LiveTeam.Model);
        var target = Path.Combine(modelsDir, name);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var copy = Path.Combine(target, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(copy)!);
            File.Copy(file, copy);
        }
        var unet = Path.Combine(target, "unet", "diffusion_pytorch_model.safetensors");
        Dictionary<string, torch.Tensor> tensors;
        using (var file = SafeTensorsFile.Open(unet))
            tensors = file.Tensors.Keys.ToDictionary(k => k, k => file.Read(k));
        tensors["conv_out.bias"].fill_(double.NaN);
        SafeTensorsFile.Write(unet, tensors);
        foreach (var t in tensors.Values) t.Dispose();
    }
}
