using SdWeb.Generation;
using SdWeb.Tests.Support;

namespace SdWeb.Tests.Web.Generation;

/// <summary>The free memory a CPU worker advertises: /proc/meminfo's MemAvailable, which is in kB.</summary>
[Layer(Layer.Web)]
public class FreeMemoryTests
{
    [Fact]
    public void MemAvailableIsReadInBytes()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["meminfo"], "MemTotal:       24567890 kB\nMemFree:         1234567 kB\nMemAvailable:   12345678 kB\nBuffers:          100 kB\n");

        Assert.Equal(12345678L * 1024, FreeMemory.MemAvailable(dir["meminfo"]));
    }

    [Fact]
    public void AFileWithoutMemAvailableGivesNothing()
    {
        using var dir = new TempDir();
        File.WriteAllText(dir["meminfo"], "MemTotal:       24567890 kB\n");

        Assert.Null(FreeMemory.MemAvailable(dir["meminfo"]));
        Assert.Null(FreeMemory.MemAvailable(dir["absent"]));
    }
}
