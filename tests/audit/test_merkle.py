"""RFC 6962 Merkle trees (deliberation/merkle.py): reference vectors and properties."""

import hashlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from deliberation import merkle

# The Certificate Transparency reference leaves and tree heads for sizes 0 to 8.
CT_LEAVES = [
    bytes.fromhex(h)
    for h in ("", "00", "10", "2021", "3031", "40414243", "5051525354555657",
              "606162636465666768696a6b6c6d6e6f")
]  # fmt: skip
CT_ROOTS = [
    "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855",
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
]
# Audit paths from the same reference: (leaf index, tree size, path).
CT_PATHS = [
    (0, 8, ["96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
            "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
            "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"]),
    (5, 8, ["bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
            "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"]),
    (0, 1, []),
]  # fmt: skip


def test_hashes_follow_rfc_6962():
    assert merkle.leaf_hash(b"ab") == hashlib.sha256(b"\x00ab").digest()
    left, right = b"l" * 32, b"r" * 32
    assert merkle.node_hash(left, right) == hashlib.sha256(b"\x01" + left + right).digest()


@pytest.mark.parametrize("size", range(9))
def test_roots_match_the_certificate_transparency_reference(size):
    leaves = [merkle.leaf_hash(d) for d in CT_LEAVES[:size]]
    assert merkle.root(leaves).hex() == CT_ROOTS[size]


@pytest.mark.parametrize(("index", "size", "path"), CT_PATHS)
def test_audit_paths_match_the_reference(index, size, path):
    leaves = [merkle.leaf_hash(d) for d in CT_LEAVES[:size]]
    proof = merkle.inclusion_proof(index, leaves)
    assert [p.hex() for p in proof] == path
    assert merkle.verify_inclusion(leaves[index], index, size, proof, bytes.fromhex(CT_ROOTS[size]))


trees = st.lists(st.binary(max_size=12), min_size=1, max_size=40, unique=True)


@settings(max_examples=150, deadline=None)
@given(data=trees, pick=st.integers(min_value=0))
def test_every_leaf_proves_its_inclusion(data, pick):
    leaves = [merkle.leaf_hash(d) for d in data]
    index = pick % len(leaves)
    top = merkle.root(leaves)
    proof = merkle.inclusion_proof(index, leaves)
    assert merkle.verify_inclusion(leaves[index], index, len(leaves), proof, top)


@settings(max_examples=150, deadline=None)
@given(data=trees, pick=st.integers(min_value=0), flip=st.integers(min_value=0))
def test_a_changed_leaf_path_or_position_fails(data, pick, flip):
    leaves = [merkle.leaf_hash(d) for d in data]
    index = pick % len(leaves)
    top = merkle.root(leaves)
    proof = merkle.inclusion_proof(index, leaves)
    stranger = merkle.leaf_hash(b"not in the tree" + bytes([len(data)]))
    assert not merkle.verify_inclusion(stranger, index, len(leaves), proof, top)
    if proof:
        bad = list(proof)
        at = flip % len(bad)
        bad[at] = bytes([bad[at][0] ^ 1]) + bad[at][1:]
        assert not merkle.verify_inclusion(leaves[index], index, len(leaves), bad, top)
    if len(leaves) > 1:
        other = (index + 1 + flip % (len(leaves) - 1)) % len(leaves)
        assert not merkle.verify_inclusion(leaves[index], other, len(leaves), proof, top)


@settings(max_examples=100, deadline=None)
@given(data=trees, extra=st.binary(min_size=13, max_size=20))
def test_adding_or_removing_a_leaf_changes_the_root(data, extra):
    leaves = [merkle.leaf_hash(d) for d in data]
    top = merkle.root(leaves)
    assert merkle.root([*leaves, merkle.leaf_hash(extra)]) != top
    assert merkle.root(leaves[1:]) != top


def test_a_leaf_cannot_pass_for_a_node():
    a, b = merkle.leaf_hash(b"a"), merkle.leaf_hash(b"b")
    # A two-leaf tree's root is not the leaf hash of the two leaves glued together.
    assert merkle.root([a, b]) != merkle.leaf_hash(a + b)


def test_short_codes_are_easy_to_copy_and_forgiving_to_type():
    leaf = bytes.fromhex("ffffffffff") + b"\x00" * 27
    assert merkle.short_code(leaf) == "ZZZZ-ZZZZ"
    code = merkle.short_code(merkle.leaf_hash(b"ballot"))
    assert len(code) == 9 and code[4] == "-"
    assert not set(code) & set("ILOU")
    assert merkle.normalise_code(code.lower().replace("-", " ")) == code
    assert merkle.normalise_code("0O1I-L2AB") == "0011-12AB"
    assert merkle.normalise_code("ABC-12") == ""
    assert merkle.normalise_code("UUUU-UUUU") == ""
