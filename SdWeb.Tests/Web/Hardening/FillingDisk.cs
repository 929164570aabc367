using SdWeb.Storage;

namespace SdWeb.Tests.Web.Hardening;

/// <summary>A disk that fills up half-way through the next image file written while <see cref="Full"/> is set.</summary>
public sealed class FillingDisk : ImageFileWriter
{
    public const string Message = "No space left on device";

    public volatile bool Full;

    public override Stream Create(string path) => Full ? new FullStream(base.Create(path)) : base.Create(path);

    /// <summary>Accepts a few hundred bytes, then fails as a full disk does.</summary>
    private sealed class FullStream(Stream file) : Stream
    {
        private long _room = 300;

        public override void Write(byte[] buffer, int offset, int count) => Write(buffer.AsSpan(offset, count));

        public override void Write(ReadOnlySpan<byte> buffer)
        {
            if (buffer.Length > _room)
            {
                file.Write(buffer[..(int)_room]);
                _room = 0;
                throw new IOException(Message);
            }
            file.Write(buffer);
            _room -= buffer.Length;
        }

        public override bool CanRead => false;
        public override bool CanSeek => false;
        public override bool CanWrite => true;
        public override long Length => file.Length;
        public override long Position { get => file.Position; set => throw new NotSupportedException(); }
        public override void Flush() => file.Flush();
        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();
        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
        public override void SetLength(long value) => throw new NotSupportedException();

        protected override void Dispose(bool disposing)
        {
            if (disposing) file.Dispose();
            base.Dispose(disposing);
        }
    }
}
