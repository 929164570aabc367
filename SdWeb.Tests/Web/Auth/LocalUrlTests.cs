using SdWeb.Auth;

namespace SdWeb.Tests.Web.Auth;

[Layer(Layer.Web)]
public class LocalUrlTests
{
    [Theory]
    [InlineData("/gallery", "/gallery")]
    [InlineData("gallery?q=fox", "/gallery?q=fox")]
    [InlineData(null, "/")]
    [InlineData("", "/")]
    [InlineData("//evil.example/x", "/")]
    [InlineData("/\\evil.example", "/")]
    [InlineData("https://evil.example/", "/")]
    [InlineData("/x\r\nLocation: y", "/")]
    public void KeepsRedirectsInsideTheApp(string? url, string expected) => Assert.Equal(expected, LocalUrl.OrHome(url));
}
