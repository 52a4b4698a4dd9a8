# Sourced by scripts/spark_suite.sh and scripts/spark_bench.sh: a private
# Spark Thrift Server from the pip pyspark package.
#
# spark_prerequisites: installs Java (Debian's openjdk-17-jre-headless) and
#   the project's `spark` extra (pyspark, which ships Spark and the Thrift
#   server jar) when missing; sets SPARK_HOME.
# start_spark_server FOLDER PORT [DRIVER_MEMORY]: master local[2], bound to
#   127.0.0.1:PORT, warehouse, metastore and scratch space under FOLDER, 4
#   shuffle partitions (not 200: seconds per query on small data
#   otherwise), no web UI; waits until it answers (at most 180 s) and sets
#   SERVER_PID. stop_spark_server stops it. The caller removes FOLDER.

spark_prerequisites() {
    if ! command -v java >/dev/null; then
        echo "Java not found: installing Debian's openjdk-17-jre-headless"
        apt-get update -qq
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
            openjdk-17-jre-headless >/dev/null
    fi
    if ! "$BIN/python" -c "import pyspark" 2>/dev/null; then
        echo "Installing the spark extra (pyspark, which ships Spark; first run: a minute or two) ..."
        "$BIN/python" -m pip install --progress-bar off --quiet -c constraints.txt -e ".[spark]"
    fi
    SPARK_HOME=$("$BIN/python" -c "import os, pyspark; print(os.path.dirname(pyspark.__file__))")
}

SERVER_PID=
start_spark_server() {
    local folder=$1 port=$2 memory=${3:-3g}
    "$SPARK_HOME/bin/spark-submit" \
        --class org.apache.spark.sql.hive.thriftserver.HiveThriftServer2 \
        --master 'local[2]' --driver-memory "$memory" \
        --conf spark.sql.shuffle.partitions=4 \
        --conf spark.ui.enabled=false \
        --conf "spark.sql.warehouse.dir=$folder/warehouse" \
        --conf "spark.local.dir=$folder/scratch" \
        --conf "spark.driver.extraJavaOptions=-Dderby.system.home=$folder/metastore" \
        --hiveconf hive.server2.thrift.port="$port" \
        --hiveconf hive.server2.thrift.bind.host=127.0.0.1 \
        spark-internal >"$folder/server.log" 2>&1 &
    SERVER_PID=$!
    for _ in $(seq 180); do
        grep -q "HiveThriftServer2 started" "$folder/server.log" && return 0
        if ! kill -0 "$SERVER_PID" 2>/dev/null; then
            echo "the Spark Thrift Server did not start:" >&2
            tail -n 20 "$folder/server.log" >&2
            return 1
        fi
        sleep 1
    done
    echo "the Spark Thrift Server did not start within 180 s" >&2
    return 1
}

stop_spark_server() {
    if [ -n "$SERVER_PID" ]; then
        kill "$SERVER_PID" 2>/dev/null || true
        wait "$SERVER_PID" 2>/dev/null || true
        SERVER_PID=
    fi
}
