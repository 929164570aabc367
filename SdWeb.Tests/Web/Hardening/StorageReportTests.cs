using System.Net.Http.Json;
using System.Text.Json;
using SdWeb.Tests.Web.Support;

namespace SdWeb.Tests.Web.Hardening;

[Collection(AppCollection.Name)]
[Layer(Layer.Hardening)]
public sealed class StorageReportTests(SdWebApp app)
{
    [Fact]
    public async Task AnAdminReadsWhatTheStartUpSweepFound()
    {
        var report = await (await app.AdminAsync()).GetFromJsonAsync<JsonElement>("/api/admin/storage");
        foreach (var list in new[] { "tempFilesRemoved", "filesWithoutRows", "rowsWithoutFiles" })
            Assert.Equal(JsonValueKind.Array, report.GetProperty(list).ValueKind);
    }
}
