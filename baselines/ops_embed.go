package baselines

// embedForward writes out[r] = scale·table[ids[r]], or adds it when add.
func embedForward(out, table []float32, d int, ids []int32, scale float32, add bool) {
	for r, id := range ids {
		src := table[int(id)*d : int(id)*d+d]
		dst := out[r*d : r*d+d]
		if add {
			for j, v := range src {
				dst[j] += scale * v
			}
		} else {
			for j, v := range src {
				dst[j] = scale * v
			}
		}
	}
}

// embedBackward adds scale·dout[r] to dtable[ids[r]], rows in order.
func embedBackward(dtable, dout []float32, d int, ids []int32, scale float32) {
	for r, id := range ids {
		dst := dtable[int(id)*d : int(id)*d+d]
		for j, v := range dout[r*d : r*d+d] {
			dst[j] += scale * v
		}
	}
}
