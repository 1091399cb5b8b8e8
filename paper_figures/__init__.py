"""Tables and figures of the paper, redrawn from results/ only (never trains or evaluates)."""
