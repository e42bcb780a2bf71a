"""The plant's maintenance documents and the Chroma index builder."""
