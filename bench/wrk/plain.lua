-- GET wrk's URL as it is, and print the summary as one JSON line.
dofile(os.getenv("BENCH_LUA_DIR") .. "/report.lua")
