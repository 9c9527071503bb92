// Package training builds the committed models of the claims engine
// (`vigie train worthiness`, `vigie train matcher`). Training is
// deterministic: two runs on the same data write byte-identical files.
package training
