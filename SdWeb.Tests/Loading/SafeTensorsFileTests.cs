using System.Text;
using SdWeb.Engine.Loading;
using SdWeb.Engine.Loading.SafeTensors;
using SdWeb.Tests.Support;
using TorchSharp;

namespace SdWeb.Tests.Loading;

[Layer(Layer.Engine)]
public class SafeTensorsFileTests
{
    [Fact]
    public void ReadsTheGoldenSampleAsTheSeededGeneratorMakesIt()
    {
        // cases/unet.safetensors' "sample" is torch.randn([2,4,8,8], generator=manual_seed(1)), an independent reference.
        using var file = Golden.OpenCase("cases", "unet.safetensors");
        using var sample = file.Read("sample");
        using var g = new torch.Generator(1);
        using var expected = torch.randn([2, 4, 8, 8], generator: g);
        Assert.True(sample.eq(expected).all().item<bool>());
    }

    [Fact]
    public void WriteThenReadRoundTripsDTypesShapesAndMetadata()
    {
        using var dir = new TempDir();
        using var a = torch.arange(6, torch.ScalarType.Float32).reshape(2, 3);
        using var b = torch.tensor(new long[] { 49406, 49407 });
        using var c = torch.ones(3, torch.ScalarType.Float16);
        SafeTensorsFile.Write(dir["t.safetensors"], [new("a", a), new("b", b), new("c", c)], new Dictionary<string, string> { ["k"] = "v" });
        using var file = SafeTensorsFile.Open(dir["t.safetensors"]);
        Assert.Equal("v", file.Metadata["k"]);
        using var ra = file.Read("a");
        using var rb = file.Read("b");
        using var rc = file.Read("c", torch.ScalarType.Float32);
        Assert.True(ra.eq(a).all().item<bool>());
        Assert.Equal(new long[] { 49406, 49407 }, rb.data<long>().ToArray());
        Assert.Equal(torch.ScalarType.Float32, rc.dtype);
        Assert.Equal(torch.ScalarType.Float16, file.Tensors["c"].ScalarType);
    }

    [Fact]
    public void ReadingOneTensorDoesNotBufferTheRestOfTheFile()
    {
        using var dir = new TempDir();
        using (var big = torch.zeros(16 * 1024 * 1024, torch.ScalarType.Float32)) // 64 MB
        using (var small = torch.ones(4))
            SafeTensorsFile.Write(dir["big.safetensors"], [new("big", big), new("small", small)]);

        long before = GC.GetAllocatedBytesForCurrentThread();
        using (var file = SafeTensorsFile.Open(dir["big.safetensors"]))
        using (var t = file.Read("small"))
            Assert.Equal(4, t.NumberOfElements);
        Assert.True(GC.GetAllocatedBytesForCurrentThread() - before < 1024 * 1024, "opening and reading one small tensor allocated over 1 MB");
    }

    [Fact]
    public void TruncatedBeforeTheHeaderEnds()
    {
        using var dir = new TempDir();
        var path = dir["t.safetensors"];
        File.WriteAllBytes(path, [.. BitConverter.GetBytes(200L), .. "{}"u8]);
        var e = Assert.Throws<SafeTensorsException>(() => SafeTensorsFile.Open(path));
        Assert.Equal($"{path}: truncated file: the header says 200 bytes but only 2 follow.", e.Message);
    }

    [Fact]
    public void ShorterThanTheLengthPrefix()
    {
        using var dir = new TempDir();
        var path = dir["t.safetensors"];
        File.WriteAllBytes(path, [1, 2, 3]);
        var e = Assert.Throws<SafeTensorsException>(() => SafeTensorsFile.Open(path));
        Assert.Equal($"{path}: truncated file (3 bytes), too short for a safetensors header.", e.Message);
    }

    [Fact]
    public void OffsetsPastTheEndNameTheTensor()
    {
        var path = WriteRaw("""{"w":{"dtype":"F32","shape":[4],"data_offsets":[0,16]}}""", new byte[8], out var dir);
        using (dir)
        {
            var e = Assert.Throws<SafeTensorsException>(() => SafeTensorsFile.Open(path));
            Assert.Contains($"{path}: tensor 'w': data offsets [0, 16) run past the end of the file (data area is 8 bytes)", e.Message);
        }
    }

    [Fact]
    public void MalformedHeaderJson()
    {
        var path = WriteRaw("""{"w": {"dtype": "F32", """, [], out var dir);
        using (dir)
        {
            var e = Assert.Throws<SafeTensorsException>(() => SafeTensorsFile.Open(path));
            Assert.StartsWith($"{path}: malformed header JSON:", e.Message);
        }
    }

    [Fact]
    public void HeaderEntryMissingAField()
    {
        var path = WriteRaw("""{"w":{"dtype":"F32","data_offsets":[0,4]}}""", new byte[4], out var dir);
        using (dir)
        {
            var e = Assert.Throws<SafeTensorsException>(() => SafeTensorsFile.Open(path));
            Assert.StartsWith($"{path}: tensor 'w': malformed header entry", e.Message);
        }
    }

    [Theory]
    [InlineData(0L)]
    [InlineData(-5L)]
    [InlineData(1L << 40)]
    public void ImpossibleHeaderLength(long headerLength)
    {
        using var dir = new TempDir();
        var path = dir["t.safetensors"];
        File.WriteAllBytes(path, [.. BitConverter.GetBytes(headerLength), .. new byte[64]]);
        var e = Assert.Throws<SafeTensorsException>(() => SafeTensorsFile.Open(path));
        Assert.Equal($"{path}: not a safetensors file (header length {headerLength} is impossible); the file is corrupt or in another format.", e.Message);
    }

    [Fact]
    public void UnsupportedDType()
    {
        var path = WriteRaw("""{"w":{"dtype":"F8_E4M3","shape":[4],"data_offsets":[0,4]}}""", new byte[4], out var dir);
        using (dir)
        {
            var e = Assert.Throws<SafeTensorsException>(() => SafeTensorsFile.Open(path));
            Assert.StartsWith($"{path}: tensor 'w': unsupported dtype 'F8_E4M3' (supported: F64, F32, F16, BF16", e.Message);
            Assert.EndsWith("convert the file to F16 or F32.", e.Message);
        }
    }

    [Fact]
    public void ByteSizeNotMatchingDTypeTimesShape()
    {
        var path = WriteRaw("""{"w":{"dtype":"F16","shape":[2,3],"data_offsets":[0,8]}}""", new byte[8], out var dir);
        using (dir)
        {
            var e = Assert.Throws<SafeTensorsException>(() => SafeTensorsFile.Open(path));
            Assert.Equal($"{path}: tensor 'w': 8 bytes for a F16 tensor of shape [2,3] (expected 12).", e.Message);
        }
    }

    [Fact]
    public void ShapeWhoseSizeOverflows()
    {
        var path = WriteRaw("""{"w":{"dtype":"F32","shape":[4294967296,4294967296],"data_offsets":[0,4]}}""", new byte[4], out var dir);
        using (dir)
        {
            var e = Assert.Throws<SafeTensorsException>(() => SafeTensorsFile.Open(path));
            Assert.StartsWith($"{path}: tensor 'w': malformed header entry", e.Message);
        }
    }

    [Fact]
    public void FileShrunkAfterOpening()
    {
        using var dir = new TempDir();
        var path = dir["t.safetensors"];
        using (var w = torch.ones(1024))
            SafeTensorsFile.Write(path, [new("w", w)]);
        using var file = SafeTensorsFile.Open(path);
        using (var f = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite)) f.SetLength(f.Length - 100);
        var e = Assert.Throws<SafeTensorsException>(() => file.Read("w"));
        Assert.Equal($"{path}: tensor 'w': the file ends before the tensor's data; it is truncated.", e.Message);
    }

    [Fact]
    public void UnknownTensorName()
    {
        using var file = SafeTensorsFile.Open(Golden.TinySdCheckpoint);
        var e = Assert.Throws<SafeTensorsException>(() => file.Read("nope"));
        Assert.Equal($"{Golden.TinySdCheckpoint}: no tensor named 'nope'.", e.Message);
    }

    [Fact]
    public void MissingFile()
    {
        var e = Assert.Throws<SafeTensorsException>(() => SafeTensorsFile.Open("/nonexistent/x.safetensors"));
        Assert.Equal("/nonexistent/x.safetensors: file not found.", e.Message);
    }

    [Fact]
    public void IsAModelLoadException() =>
        Assert.IsAssignableFrom<ModelLoadException>(Assert.Throws<SafeTensorsException>(() => SafeTensorsFile.Open("/nonexistent/x.safetensors")));

    /// <summary>A safetensors file with a hand-written header (padded to 8 bytes) and data area.</summary>
    private static string WriteRaw(string header, byte[] data, out TempDir dir)
    {
        dir = new TempDir();
        var path = dir["t.safetensors"];
        var json = Encoding.UTF8.GetBytes(header);
        File.WriteAllBytes(path, [.. BitConverter.GetBytes((long)json.Length), .. json, .. data]);
        return path;
    }
}
