namespace PrivacyNode.Crypto.Ristretto;

/// <summary>
/// Several elements of GF(2^255 - 19), one per vector lane, with the operations <see cref="EdwardsPointLanes{TField}"/>
/// needs, so that one point implementation runs at every vector width the machine has. The operations are static
/// and write their result through a reference, so that generic callers pass and receive the large structs without
/// defensive copies or copies of returned values; the JIT specializes the callers for each implementation. Bounds on limbs are the implementation's; they are the same for both.
/// </summary>
internal interface IFieldElementLanes<TSelf>
    where TSelf : unmanaged, IFieldElementLanes<TSelf>
{
    /// <summary>Elements per value.</summary>
    static abstract int Count { get; }

    /// <summary>Whether this machine has the instructions.</summary>
    static abstract bool IsSupported { get; }

    /// <summary>The same element in every lane.</summary>
    static abstract TSelf Broadcast(in FieldElement value);

    /// <summary>The first <see cref="Count"/> elements of <paramref name="lanes"/>, one per lane.</summary>
    static abstract TSelf Load(ReadOnlySpan<FieldElement> lanes);

    /// <summary>The lanes of <paramref name="value"/> into the first <see cref="Count"/> elements of <paramref name="lanes"/>.</summary>
    static abstract void Store(in TSelf value, Span<FieldElement> lanes);

    /// <summary>r = a + b, not carried.</summary>
    static abstract void Add(in TSelf a, in TSelf b, out TSelf r);

    /// <summary>r = a - b, carried.</summary>
    static abstract void Subtract(in TSelf a, in TSelf b, out TSelf r);

    /// <summary>r = -a, carried.</summary>
    static abstract void Negate(in TSelf a, out TSelf r);

    /// <summary>r = a·b, carried; <paramref name="r"/> is neither input.</summary>
    static abstract void Multiply(in TSelf a, in TSelf b, out TSelf r);

    /// <summary>r = a², carried; <paramref name="r"/> is not the input.</summary>
    static abstract void Square(in TSelf a, out TSelf r);

    /// <summary>
    /// r = <paramref name="b"/> in every lane where <paramref name="mask"/> is all ones, <paramref name="a"/> where it is
    /// zero, in constant time; <paramref name="r"/> may be either input.
    /// </summary>
    static abstract void Select(in TSelf a, in TSelf b, ulong mask, out TSelf r);
}
