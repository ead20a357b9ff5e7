namespace PrivacyNode.Crypto.Ristretto;

/// <summary>
/// The exponentiation behind every ristretto255 decoding, encoding and hash (<see cref="FieldElement.PowP58"/>) for
/// many elements at once, through the widest vector lanes the machine has (<see cref="FieldElement8"/>,
/// <see cref="FieldElement4"/>), else one at a time. Constant time in the values.
/// </summary>
internal static class FieldElementBatch
{
    /// <summary>Each element raised to (p-5)/8, in place.</summary>
    public static void PowP58(Span<FieldElement> values)
    {
        if (FieldElement8.IsSupported)
        {
            PowP58<FieldElement8>(values);
        }
        else if (FieldElement4.IsSupported)
        {
            PowP58<FieldElement4>(values);
        }
        else
        {
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = values[i].PowP58();
            }
        }
    }

    /// <summary><see cref="PowP58(Span{FieldElement})"/> through <typeparamref name="TField"/>, the last group padded with zeros.</summary>
    internal static void PowP58<TField>(Span<FieldElement> values)
        where TField : unmanaged, IFieldElementLanes<TField>
    {
        var width = TField.Count;
        Span<FieldElement> lanes = stackalloc FieldElement[width];
        for (var start = 0; start < values.Length; start += width)
        {
            var group = values.Slice(start, Math.Min(width, values.Length - start));
            lanes.Clear();
            group.CopyTo(lanes);
            TField.Store(PowP58(TField.Load(lanes)), lanes);
            lanes[..group.Length].CopyTo(group);
        }

        lanes.Clear();
    }

    /// <summary>x^(2^252 - 3): the addition chain of <see cref="FieldElement.PowP58"/>, lane by lane.</summary>
    private static TField PowP58<TField>(in TField x)
        where TField : unmanaged, IFieldElementLanes<TField>
    {
        TField.Square(x, out var t0);                      // 2
        var t = SquareTimes(t0, 2);                        // 8
        TField.Multiply(x, t, out var t2);                 // 9
        TField.Multiply(t0, t2, out var t3);               // 11
        TField.Square(t3, out t);                          // 22
        TField.Multiply(t2, t, out var t5);                // 31 = 2^5 - 1
        var t7 = SquareTimesMultiply(t5, 5, t5);           // 2^10 - 1
        var t9 = SquareTimesMultiply(t7, 10, t7);          // 2^20 - 1
        var t11 = SquareTimesMultiply(t9, 20, t9);         // 2^40 - 1
        var t13 = SquareTimesMultiply(t11, 10, t7);        // 2^50 - 1
        var t15 = SquareTimesMultiply(t13, 50, t13);       // 2^100 - 1
        var t17 = SquareTimesMultiply(t15, 100, t15);      // 2^200 - 1
        var t19 = SquareTimesMultiply(t17, 50, t13);       // 2^250 - 1
        return SquareTimesMultiply(t19, 2, x);             // 2^252 - 3
    }

    /// <summary>x^(2^k)·y.</summary>
    private static TField SquareTimesMultiply<TField>(in TField x, int k, in TField y)
        where TField : unmanaged, IFieldElementLanes<TField>
    {
        TField.Multiply(SquareTimes(x, k), y, out var r);
        return r;
    }

    /// <summary>x^(2^k), k ≥ 1.</summary>
    private static TField SquareTimes<TField>(in TField x, int k)
        where TField : unmanaged, IFieldElementLanes<TField>
    {
        TField.Square(x, out var a);
        for (var i = 1; i < k; i += 2)
        {
            TField.Square(a, out var b);
            if (i + 1 == k)
            {
                return b;
            }

            TField.Square(b, out a);
        }

        return a;
    }
}
