using System.Collections.Immutable;
using System.Collections.ObjectModel;
using System.Runtime.InteropServices;

namespace SocialInvestment;

/// <summary>
/// The backing of the public API's read-only collections: an <c>IReadOnlyList</c> property holds
/// an <see cref="ImmutableArray{T}"/> and an <c>IReadOnlyDictionary</c> a
/// <see cref="ReadOnlyDictionary{TKey, TValue}"/> over a private copy (which keeps the order of
/// enumeration), never an array, <c>List</c> or <c>Dictionary</c> that a cast could change.
/// </summary>
internal static class ReadOnly
{
    /// <summary>An array the caller owns and never changes again, as an immutable list (no copy).</summary>
    public static IReadOnlyList<T> Own<T>(T[] owned) => ImmutableCollectionsMarshal.AsImmutableArray(owned);

    /// <summary>An immutable copy of a sequence (the same list when it already is one).</summary>
    public static IReadOnlyList<T> Copy<T>(IEnumerable<T> items) => items switch
    {
        ImmutableArray<T> a => a,
        _ => items.ToImmutableArray(),
    };

    /// <summary>An immutable copy of a sequence, or null.</summary>
    public static IReadOnlyList<T>? CopyOrNull<T>(IEnumerable<T>? items) => items is null ? null : Copy(items);

    /// <summary>A read-only copy of a dictionary, in its order of enumeration, with its comparer when it is a <see cref="Dictionary{TKey, TValue}"/> and none is given.</summary>
    public static IReadOnlyDictionary<TKey, TValue> Dictionary<TKey, TValue>(IEnumerable<KeyValuePair<TKey, TValue>> items, IEqualityComparer<TKey>? comparer = null)
        where TKey : notnull
        => new ReadOnlyDictionary<TKey, TValue>(new Dictionary<TKey, TValue>(items, comparer ?? (items as Dictionary<TKey, TValue>)?.Comparer));

    /// <summary>A read-only copy of a dictionary, or null.</summary>
    public static IReadOnlyDictionary<TKey, TValue>? DictionaryOrNull<TKey, TValue>(IEnumerable<KeyValuePair<TKey, TValue>>? items, IEqualityComparer<TKey>? comparer = null)
        where TKey : notnull
        => items is null ? null : Dictionary(items, comparer);
}
