"""The rollup: approved school figures → indicator values at every level (汇总)."""
