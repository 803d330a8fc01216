"""RFC 6962 Merkle trees over a poll's ballots: root, inclusion proofs, short codes.

Pure Python, no Django. Hashing is RFC 6962 (Certificate Transparency), section 2.1:
a leaf is SHA-256(0x00 || data) and an inner node SHA-256(0x01 || left || right), so a
leaf can never pass for a node. A tree of n > 1 leaves splits at the largest power of
two below n; the empty tree's root is SHA-256 of nothing.
"""

import hashlib
from collections.abc import Sequence

LEAF_PREFIX = b"\x00"
NODE_PREFIX = b"\x01"
EMPTY_ROOT = hashlib.sha256(b"").digest()

# Crockford's base 32: no I, L, O or U, so a code read aloud or copied by hand is not
# misread (0/O, 1/I/L) and spells no rude words.
CODE_ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"
CODE_CHARS = 8  # 40 bits: one ballot in a trillion shares a code by chance


def leaf_hash(data: bytes) -> bytes:
    """Hash one entry as a leaf: SHA-256(0x00 || data)."""
    return hashlib.sha256(LEAF_PREFIX + data).digest()


def node_hash(left: bytes, right: bytes) -> bytes:
    """Hash two subtrees into their parent: SHA-256(0x01 || left || right)."""
    return hashlib.sha256(NODE_PREFIX + left + right).digest()


def _split(n: int) -> int:
    """Return the largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def root(leaves: Sequence[bytes]) -> bytes:
    """Return the Merkle tree hash (MTH) of leaf hashes, in the order given."""
    n = len(leaves)
    if n == 0:
        return EMPTY_ROOT
    if n == 1:
        return leaves[0]
    k = _split(n)
    return node_hash(root(leaves[:k]), root(leaves[k:]))


def inclusion_proof(index: int, leaves: Sequence[bytes]) -> list[bytes]:
    """Return the audit path (RFC 6962 PATH) of the leaf at `index`, nearest first."""
    n = len(leaves)
    if not 0 <= index < n:
        raise IndexError(f"leaf {index} is not in a tree of {n}")
    if n == 1:
        return []
    k = _split(n)
    if index < k:
        return [*inclusion_proof(index, leaves[:k]), root(leaves[k:])]
    return [*inclusion_proof(index - k, leaves[k:]), root(leaves[:k])]


def verify_inclusion(
    leaf: bytes, index: int, size: int, proof: Sequence[bytes], expected_root: bytes
) -> bool:
    """Check an audit path against a root (RFC 9162, section 2.1.3.2)."""
    if not 0 <= index < size:
        return False
    fn, sn = index, size - 1
    value = leaf
    for sibling in proof:
        if sn == 0:
            return False
        if fn & 1 or fn == sn:
            value = node_hash(sibling, value)
            while not fn & 1 and fn != 0:
                fn >>= 1
                sn >>= 1
        else:
            value = node_hash(value, sibling)
        fn >>= 1
        sn >>= 1
    return sn == 0 and value == expected_root


def short_code(leaf: bytes) -> str:
    """Return a short code for a leaf, e.g. "7KQ2-M9XD", from its first 40 bits."""
    number = int.from_bytes(leaf[:5], "big")
    chars = [CODE_ALPHABET[(number >> shift) & 31] for shift in range(35, -1, -5)]
    code = "".join(chars)
    return f"{code[:4]}-{code[4:]}"


def normalise_code(text: str) -> str:
    """Read a code as a person typed it: any case, spaces and dashes, O for 0, I/L for 1."""
    cleaned = "".join(ch for ch in text.upper() if ch.isalnum())
    cleaned = cleaned.translate(str.maketrans("OIL", "011"))
    if len(cleaned) != CODE_CHARS or any(ch not in CODE_ALPHABET for ch in cleaned):
        return ""
    return f"{cleaned[:4]}-{cleaned[4:]}"
