"""The message's bytes: header folding mended, parts cut out of the raw
message, a part's decoded bytes and text, large bodies kept out of the
parsed tree and streamed."""
