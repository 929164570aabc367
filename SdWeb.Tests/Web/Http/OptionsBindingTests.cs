using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using SdWeb.Options;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Http;

[Collection(AppCollection.Name)]
[Layer(Layer.Web)]
public class OptionsBindingTests
{
    private static SdWebOptions Bind(params string[] args)
    {
        var builder = WebApplication.CreateBuilder(args);
        builder.Services.AddSdWebOptions(builder.Configuration);
        using var app = builder.Build();
        return app.Services.GetRequiredService<SdWebOptions>();
    }

    [Fact]
    public void DefaultsAreDataAndModelsBesideTheApp()
    {
        var options = Bind();
        Assert.Equal(Path.GetFullPath("./data"), options.DataPath);
        Assert.Equal(Path.Combine(Path.GetFullPath("./data"), "sdweb.db"), options.DatabasePath);
    }

    [Fact]
    public void CommandLineSetsTheFolders()
    {
        var options = Bind("--SdWeb:DataDir=/srv/sd", "--SdWeb:ModelsDir", "/srv/models", "--SdWeb:Device=cuda:1");
        Assert.Equal(("/srv/sd", "/srv/models", "cuda:1"), (options.DataPath, options.ModelsPath, options.Device));
    }

    [Fact]
    public void EnvironmentVariablesSetTheFoldersAndTheCommandLineWins()
    {
        Environment.SetEnvironmentVariable("SdWeb__DataDir", "/env/data");
        Environment.SetEnvironmentVariable("SdWeb__DType", "fp16");
        try
        {
            Assert.Equal(("/env/data", "fp16"), (Bind().DataPath, Bind().DType));
            Assert.Equal("/cli/data", Bind("--SdWeb:DataDir=/cli/data").DataPath);
        }
        finally
        {
            Environment.SetEnvironmentVariable("SdWeb__DataDir", null);
            Environment.SetEnvironmentVariable("SdWeb__DType", null);
        }
    }
}
