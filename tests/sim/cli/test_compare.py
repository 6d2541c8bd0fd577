"""The compare verb's --vary: sweep's parser and grid, one column per scenario and point."""

from parasim.sim.cli import main


def test_compare_varies_the_product_of_repeated_keys_in_grid_order(capsys):
    assert main(["compare", "amdahl", "--set", "workload.flops=1e8", "--vary",
                 "machine.cores=1,2", "--vary", "schedule.policy=block,cyclic"]) == 0
    lines = capsys.readouterr().out.splitlines()
    header = lines[0].split("  ")
    labels = [h.strip() for h in header if h.strip()]
    assert labels == ["amdahl cores=1 policy=block", "amdahl cores=1 policy=cyclic",
                      "amdahl cores=2 policy=block", "amdahl cores=2 policy=cyclic"]
    pes = next(line for line in lines if line.startswith("PEs")).split()[1:]
    assert pes == ["1", "1", "2", "2"]
    assert sum(line.startswith("fastest: amdahl") for line in lines) == 4


def test_compare_shows_booleans_as_typed(capsys):
    assert main(["compare", "cluster-stencil", "--set", "workload.iterations=2",
                 "--vary", "workload.blocking=true,false"]) == 0
    header = capsys.readouterr().out.splitlines()[0]
    assert "cluster-stencil blocking=true" in header
    assert "cluster-stencil blocking=false" in header
