using System.Buffers;
using SixLabors.ImageSharp.Memory;

namespace D3Chat.Core.Images;

/// <summary>
/// An ImageSharp allocator that refuses to hold more than <see cref="BudgetBytes"/> at once:
/// whatever a decoder does with a crafted file, it cannot take more memory than this, and a refusal
/// surfaces as <see cref="InvalidMemoryOperationException"/> (no thumbnail). Buffers come from the
/// GC heap, so nothing is retained between images. One instance per decode: the count is per image.
/// </summary>
internal sealed class BudgetedMemoryAllocator(long budgetBytes) : MemoryAllocator
{
    private readonly SimpleGcMemoryAllocator _inner = new();
    private long _held;
    private long _peak;

    public long BudgetBytes { get; } = budgetBytes;

    /// <summary>The most this allocator held at any one time.</summary>
    public long PeakBytes => Interlocked.Read(ref _peak);

    public override IMemoryOwner<T> Allocate<T>(int length, AllocationOptions options = AllocationOptions.None)
    {
        var bytes = (long)length * System.Runtime.CompilerServices.Unsafe.SizeOf<T>();
        var held = Interlocked.Add(ref _held, bytes);
        if (held > BudgetBytes)
        {
            Interlocked.Add(ref _held, -bytes);
            throw new InvalidMemoryOperationException($"Image decoding needs more than {BudgetBytes} bytes");
        }
        long peak;
        while (held > (peak = Interlocked.Read(ref _peak)) && Interlocked.CompareExchange(ref _peak, held, peak) != peak)
        {
        }
        return new Counted<T>(_inner.Allocate<T>(length, options), this, bytes);
    }

    protected override int GetBufferCapacityInBytes() => int.MaxValue;

    private void Release(long bytes) => Interlocked.Add(ref _held, -bytes);

    private sealed class Counted<T>(IMemoryOwner<T> inner, BudgetedMemoryAllocator owner, long bytes) : IMemoryOwner<T>
    {
        private int _disposed;

        public Memory<T> Memory => inner.Memory;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                inner.Dispose();
                owner.Release(bytes);
            }
        }
    }
}
