// vcsim launcher for simplemon's tests and benchmark: govmomi's simulator.VPX() model, seeded with
// realistic values that the simulator leaves empty (VM quickStats, maxCpuUsage, guest IPs and disks,
// host figures that differ per host, GPUs, hardware health), served on loopback behind a small front
// server that counts SOAP round trips, can misbehave on request (HTML, fault, hang, close mid-response)
// and exposes a control endpoint to change the model while it runs.
//
// Build (GOPATH mode, Debian's govmomi): see build.sh. Usage:
//
//	vcsim -hosts 20 -vms 500 [-http] [-page-size 100] [-listen 127.0.0.1:0] [-user U -pass P]
//
// When ready it prints one JSON line: {"url":…,"control":…,"caFile":…}. Control: POST JSON to
// <control> (or write the same JSON, one object per line, to stdin): see handleOp for the ops, e.g.
//
//	{"op":"host-health","host":"DC0_C0_H0","storage":[{"name":"Disk 3","status":"Red","summary":"Predictive failure"}],
//	 "sensors":[{"name":"CPU1 Temp","status":"yellow","reading":8800,"modifier":-2,"units":"Degrees C","type":"temperature"}]}
//	{"op":"gpu-perf","host":"DC0_C0_H1","gpu":1,"temperature":91,"util":9720,"memUsage":9650}
package main

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"encoding/json"
	"flag"
	"fmt"
	"io/ioutil"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"reflect"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unsafe"

	"github.com/vmware/govmomi/simulator"
	"github.com/vmware/govmomi/vim25/methods"
	"github.com/vmware/govmomi/vim25/mo"
	"github.com/vmware/govmomi/vim25/soap"
	"github.com/vmware/govmomi/vim25/types"
)

// ---------------------------------------------------------------------------------------------
// Paging like real vCenter: RetrievePropertiesEx honours maxObjects (and a server-side cap given
// with -page-size), returns a token, and ContinueRetrievePropertiesEx hands out the rest.

var pageCap int64 // 0 = no server-side cap

type pending struct {
	objects []types.ObjectContent
	size    int
}

var (
	tokensMu sync.Mutex
	tokens   = map[string]*pending{}
	tokenSeq int64
)

// pagingPC embeds the simulator's PropertyCollector by value: the simulator makes per-session copies
// with reflect.New, and reads properties through the first embedded field.
type pagingPC struct {
	simulator.PropertyCollector
}

func pageOf(objs []types.ObjectContent, size int) *types.RetrieveResult {
	if size <= 0 || len(objs) <= size {
		return &types.RetrieveResult{Objects: objs}
	}
	tokensMu.Lock()
	tokenSeq++
	tok := "page-" + strconv.FormatInt(tokenSeq, 10)
	tokens[tok] = &pending{objects: objs[size:], size: size}
	tokensMu.Unlock()
	return &types.RetrieveResult{Objects: objs[:size], Token: tok}
}

func (pc *pagingPC) RetrievePropertiesEx(ctx *simulator.Context, r *types.RetrievePropertiesEx) soap.HasFault {
	res := pc.PropertyCollector.RetrievePropertiesEx(ctx, r)
	body, ok := res.(*methods.RetrievePropertiesExBody)
	if !ok || body.Fault_ != nil || body.Res == nil {
		return res
	}
	size := int(atomic.LoadInt64(&pageCap))
	if m := int(r.Options.MaxObjects); m > 0 && (size == 0 || m < size) {
		size = m
	}
	// copy: the simulator reuses the backing array of its result
	objs := append([]types.ObjectContent(nil), body.Res.Returnval.Objects...)
	body.Res.Returnval = pageOf(objs, size)
	return body
}

func (pc *pagingPC) ContinueRetrievePropertiesEx(ctx *simulator.Context, r *types.ContinueRetrievePropertiesEx) soap.HasFault {
	body := &methods.ContinueRetrievePropertiesExBody{}
	tokensMu.Lock()
	p, ok := tokens[r.Token]
	delete(tokens, r.Token)
	tokensMu.Unlock()
	if !ok {
		body.Fault_ = simulator.Fault("invalid token", &types.InvalidArgument{InvalidProperty: "token"})
		return body
	}
	res := pageOf(p.objects, p.size)
	body.Res = &types.ContinueRetrievePropertiesExResponse{Returnval: *res}
	return body
}

func (pc *pagingPC) CancelRetrievePropertiesEx(ctx *simulator.Context, r *types.CancelRetrievePropertiesEx) soap.HasFault {
	tokensMu.Lock()
	delete(tokens, r.Token)
	tokensMu.Unlock()
	return &methods.CancelRetrievePropertiesExBody{Res: &types.CancelRetrievePropertiesExResponse{}}
}

// ---------------------------------------------------------------------------------------------
// Deterministic performance data: the simulator's QueryPerf adds noise and offers every counter for
// every entity. Here hosts offer net.* (aggregate instance "") and, on GPU hosts, gpu.* per GPU.

type perfMgr struct {
	simulator.PerformanceManager
}

type hostPerf struct {
	rx, tx, dropRx, dropTx int64
	gpus                   []gpuPerf
}

type gpuPerf struct {
	instance                  string
	util, memUsage, memUsedKB int64 // util and memUsage in hundredths of a percent, as vCenter sends them
	temperature               int64
}

var (
	perfMu   sync.Mutex
	perfData = map[string]*hostPerf{} // host moref value → figures
)

func (p *perfMgr) counterName(id int32) string {
	for _, c := range p.PerfCounter {
		if c.Key == id {
			return c.GroupInfo.GetElementDescription().Key + "." + c.NameInfo.GetElementDescription().Key + "." + string(c.RollupType)
		}
	}
	return ""
}

func (p *perfMgr) QueryPerf(ctx *simulator.Context, req *types.QueryPerf) soap.HasFault {
	body := &methods.QueryPerfBody{Res: &types.QueryPerfResponse{}}
	perfMu.Lock()
	defer perfMu.Unlock()
	now := time.Now().UTC().Truncate(20 * time.Second)
	for _, qs := range req.QuerySpec {
		em := &types.PerfEntityMetric{PerfEntityMetricBase: types.PerfEntityMetricBase{Entity: qs.Entity}}
		em.SampleInfo = []types.PerfSampleInfo{{Timestamp: now, Interval: 20}}
		hp := perfData[qs.Entity.Value]
		for _, mid := range qs.MetricId {
			name := p.counterName(mid.CounterId)
			add := func(instance string, v int64) {
				if mid.Instance != "*" && mid.Instance != instance {
					return
				}
				em.Value = append(em.Value, &types.PerfMetricIntSeries{
					PerfMetricSeries: types.PerfMetricSeries{Id: types.PerfMetricId{CounterId: mid.CounterId, Instance: instance}},
					Value:            []int64{v},
				})
			}
			if hp == nil {
				continue
			}
			switch {
			case strings.HasPrefix(name, "net.received."):
				add("", hp.rx)
			case strings.HasPrefix(name, "net.transmitted."):
				add("", hp.tx)
			case strings.HasPrefix(name, "net.droppedRx."):
				add("", hp.dropRx)
			case strings.HasPrefix(name, "net.droppedTx."):
				add("", hp.dropTx)
			case strings.HasPrefix(name, "gpu."):
				for _, g := range hp.gpus {
					switch {
					case strings.HasPrefix(name, "gpu.utilization."):
						add(g.instance, g.util)
					case strings.HasPrefix(name, "gpu.mem.usage."):
						add(g.instance, g.memUsage)
					case strings.HasPrefix(name, "gpu.mem.used."):
						add(g.instance, g.memUsedKB)
					case strings.HasPrefix(name, "gpu.temperature."):
						add(g.instance, g.temperature)
					}
				}
			}
		}
		if len(em.Value) == 0 {
			em.SampleInfo = nil
		}
		body.Res.Returnval = append(body.Res.Returnval, em)
	}
	return body
}

// ---------------------------------------------------------------------------------------------
// Seeding

func sortedEntities(kind string) []mo.Entity {
	all := simulator.Map.All(kind)
	sort.Slice(all, func(i, j int) bool { return all[i].Entity().Name < all[j].Entity().Name })
	return all
}

func elem(key string) *types.ElementDescription {
	return &types.ElementDescription{Key: key, Description: types.Description{Label: key, Summary: key}}
}

var vendors = []struct{ vendor, model string }{
	{"Dell Inc.", "PowerEdge R750"}, {"HPE", "ProLiant DL380 Gen10 Plus"}, {"Lenovo", "ThinkSystem SR650 V2"}, {"Cisco Systems Inc", "UCSC-C240-M6SX"},
}

const gib = int64(1) << 30

func seedHost(i int, h *simulator.HostSystem) {
	hw := h.Summary.Hardware
	hw.CpuMhz = int32(2000 + (i%5)*200)
	hw.NumCpuCores = int16(8 + (i%4)*8)
	hw.NumCpuThreads = hw.NumCpuCores * 2
	hw.MemorySize = int64(64+(i%4)*64) * gib
	v := vendors[i%len(vendors)]
	hw.Vendor, hw.Model = v.vendor, v.model
	capMhz := int64(hw.CpuMhz) * int64(hw.NumCpuCores)
	memMB := hw.MemorySize >> 20
	h.Summary.QuickStats.OverallCpuUsage = int32(capMhz * int64(10+(i*7)%60) / 100)
	h.Summary.QuickStats.OverallMemoryUsage = int32(memMB * int64(20+(i*11)%60) / 100)
	h.Summary.QuickStats.Uptime = int32(86400*(i+1) + 123)
	h.Summary.OverallStatus = types.ManagedEntityStatusGreen
	h.OverallStatus = types.ManagedEntityStatusGreen

	storage := "Green"
	if i%7 == 3 {
		storage = "Yellow"
		h.Summary.OverallStatus = types.ManagedEntityStatusYellow
		h.OverallStatus = types.ManagedEntityStatusYellow
	}
	h.Runtime.HealthSystemRuntime = &types.HealthSystemRuntime{
		SystemHealthInfo: &types.HostSystemHealthInfo{NumericSensorInfo: []types.HostNumericSensorInfo{
			{Name: "System Board 1 Inlet Temp", HealthState: elem("green"), CurrentReading: 2300, UnitModifier: -2, BaseUnits: "Degrees C", SensorType: "temperature"},
			{Name: "Power Supply 1", HealthState: elem("green"), CurrentReading: 1, BaseUnits: "", SensorType: "power"},
		}},
		HardwareStatusInfo: &types.HostHardwareStatusInfo{
			MemoryStatusInfo:  []types.BaseHostHardwareElementInfo{&types.HostHardwareElementInfo{Name: "Memory", Status: elem("Green")}},
			CpuStatusInfo:     []types.BaseHostHardwareElementInfo{&types.HostHardwareElementInfo{Name: "CPU socket #0", Status: elem("Green")}},
			StorageStatusInfo: []types.HostStorageElementInfo{{HostHardwareElementInfo: types.HostHardwareElementInfo{Name: "Disk 0 on controller 0", Status: elem(storage)}}},
		},
	}

	// PCI devices: the template's list is shared between hosts, so give each host its own copy.
	h.Hardware.PciDevice = append([]types.HostPciDevice(nil), h.Hardware.PciDevice...)
	h.Config.GraphicsInfo = nil
	// no zero samples: the simulator's XML encoder drops 0 from a series (omitempty on []int64)
	hp := &hostPerf{rx: int64(1000 + i*37), tx: int64(500 + i*23), dropRx: int64(1 + i%3), dropTx: int64(1 + i%2)}
	if i%4 == 1 { // NVIDIA GPUs with vCenter graphics info and gpu.* counters
		for g := 0; g < 2; g++ {
			pci := fmt.Sprintf("0000:%02x:00.0", 0x3b+g)
			h.Config.GraphicsInfo = append(h.Config.GraphicsInfo, types.HostGraphicsInfo{
				DeviceName: "NVIDIA A40", VendorName: "NVIDIA Corporation", PciId: pci, GraphicsType: "sharedDirect", MemorySizeInKB: 47185920,
			})
			h.Hardware.PciDevice = append(h.Hardware.PciDevice, types.HostPciDevice{
				Id: pci, ClassId: 0x0302, Bus: byte(0x3b + g), VendorId: 0x10de, VendorName: "NVIDIA Corporation", DeviceId: 0x2235, DeviceName: "GA102GL [A40]",
			})
			hp.gpus = append(hp.gpus, gpuPerf{instance: fmt.Sprintf("gpu%d", g), util: int64(1000*(g+1) + i*10), memUsage: int64(2500 + g*1000), memUsedKB: 11796480, temperature: int64(40 + g*5 + i%10)})
		}
	}
	if i%8 == 5 { // an AMD card seen only on the PCI bus: inventory without vCenter graphics info or counters
		h.Hardware.PciDevice = append(h.Hardware.PciDevice, types.HostPciDevice{
			Id: "0000:af:00.0", ClassId: 0x0300, Bus: 0xaf, VendorId: 0x1002, VendorName: "Advanced Micro Devices, Inc. [AMD/ATI]", DeviceId: 0x738c, DeviceName: "Instinct MI100",
		})
	}
	perfMu.Lock()
	perfData[h.Self.Value] = hp
	perfMu.Unlock()
}

func seedVM(j int, vm *simulator.VirtualMachine) {
	host := simulator.Map.Get(*vm.Runtime.Host).(*simulator.HostSystem)
	ncpu := int32(1 + j%4)
	memMB := int32(1024 * (1 + j%8))
	vm.Config.Hardware.NumCPU = ncpu
	vm.Config.Hardware.MemoryMB = memMB
	vm.Summary.Config.NumCpu = ncpu
	vm.Summary.Config.MemorySizeMB = memMB
	maxCpu := ncpu * host.Summary.Hardware.CpuMhz
	vm.Runtime.MaxCpuUsage = maxCpu
	vm.Runtime.MaxMemoryUsage = memMB
	if j%50 == 49 {
		powerOffVM(vm)
		return
	}
	vm.Summary.QuickStats.OverallCpuUsage = maxCpu * int32(5+(j*13)%70) / 100
	vm.Summary.QuickStats.GuestMemoryUsage = memMB * int32(10+(j*17)%80) / 100
	vm.Summary.QuickStats.HostMemoryUsage = memMB * int32(30+(j*7)%60) / 100
	vm.Summary.QuickStats.GuestHeartbeatStatus = types.ManagedEntityStatusGreen
	ip := fmt.Sprintf("10.%d.%d.%d", 20+j/62500, (j/250)%250, 1+j%250)
	vm.Guest.IpAddress = ip
	vm.Guest.ToolsStatus = types.VirtualMachineToolsStatusToolsOk
	vm.Guest.ToolsRunningStatus = string(types.VirtualMachineToolsRunningStatusGuestToolsRunning)
	vm.Guest.GuestState = "running"
	vm.Guest.Net = []types.GuestNicInfo{{
		Network: "VM Network", MacAddress: fmt.Sprintf("00:50:56:%02x:%02x:%02x", j>>16&255, j>>8&255, j&255), Connected: true, DeviceConfigId: 4000,
		IpAddress: []string{ip, fmt.Sprintf("fe80::250:56ff:fe%02x:%02x%02x", j>>16&255, j>>8&255, j&255)},
	}}
	if j%10 == 7 {
		vm.Guest.Net = append(vm.Guest.Net, types.GuestNicInfo{Network: "Backup", MacAddress: "00:50:56:aa:00:01", Connected: true, DeviceConfigId: 4001, IpAddress: []string{fmt.Sprintf("192.168.%d.%d", (j/250)%250, 1+j%250)}})
	}
	root := int64(40+(j%3)*20) * gib
	data := int64(100+(j%5)*50) * gib
	vm.Guest.Disk = []types.GuestDiskInfo{
		{DiskPath: "/", Capacity: root, FreeSpace: root * int64(20+(j*3)%70) / 100, FilesystemType: "ext4"},
		{DiskPath: "/var/lib/data", Capacity: data, FreeSpace: data * int64(15+(j*7)%80) / 100, FilesystemType: "xfs"},
	}
	if j%2 == 1 {
		vm.Guest.Disk = []types.GuestDiskInfo{{DiskPath: "C:\\", Capacity: root, FreeSpace: root * int64(20+(j*3)%70) / 100, FilesystemType: "NTFS"}}
	}
	vm.Summary.Guest.IpAddress = ip
	vm.Summary.Guest.ToolsStatus = types.VirtualMachineToolsStatusToolsOk
}

func powerOffVM(vm *simulator.VirtualMachine) {
	vm.Runtime.PowerState = types.VirtualMachinePowerStatePoweredOff
	vm.Summary.Runtime.PowerState = types.VirtualMachinePowerStatePoweredOff
	vm.Summary.QuickStats = types.VirtualMachineQuickStats{GuestHeartbeatStatus: types.ManagedEntityStatusGray}
	vm.Guest.IpAddress = ""
	vm.Guest.Net = nil
	vm.Guest.Disk = nil
	vm.Guest.ToolsStatus = types.VirtualMachineToolsStatusToolsNotRunning
	vm.Guest.ToolsRunningStatus = string(types.VirtualMachineToolsRunningStatusGuestToolsNotRunning)
}

func seed() {
	for i, e := range sortedEntities("HostSystem") {
		h := e.(*simulator.HostSystem)
		simulator.Map.WithLock(h, func() { seedHost(i, h) })
	}
	for j, e := range sortedEntities("VirtualMachine") {
		vm := e.(*simulator.VirtualMachine)
		simulator.Map.WithLock(vm, func() { seedVM(j, vm) })
	}
	for k, e := range sortedEntities("Datastore") {
		ds := e.(*simulator.Datastore)
		simulator.Map.WithLock(ds, func() {
			ds.Summary.Capacity = int64(2048+k*512) * gib
			ds.Summary.FreeSpace = ds.Summary.Capacity * int64(30+(k*13)%50) / 100
			ds.Info.GetDatastoreInfo().FreeSpace = ds.Summary.FreeSpace
		})
	}
}

// ---------------------------------------------------------------------------------------------
// Model changes while serving

type op struct {
	Op        string  `json:"op"`
	Host      string  `json:"host,omitempty"`
	VM        string  `json:"vm,omitempty"`
	Datastore string  `json:"datastore,omitempty"`
	State     string  `json:"state,omitempty"`
	Percent   float64 `json:"percent,omitempty"`
	Disk      string  `json:"disk,omitempty"`
	N         int64   `json:"n,omitempty"`
	Mode      string  `json:"mode,omitempty"`
	Method    string  `json:"method,omitempty"`
	DelayMs   int64   `json:"delayMs,omitempty"`
	// host-health: the host's runtime.healthSystemRuntime, replaced as a whole (none given: nil)
	Storage []hwElem `json:"storage,omitempty"`
	Sensors []sensor `json:"sensors,omitempty"`
	Memory  []hwElem `json:"memory,omitempty"`
	CPU     []hwElem `json:"cpu,omitempty"`
	// gpu-perf: pin the gpu.* samples of the host's GPU number Gpu (0-based)
	Gpu         int    `json:"gpu,omitempty"`
	Util        *int64 `json:"util,omitempty"`     // hundredths of a percent, as vCenter sends it
	MemUsage    *int64 `json:"memUsage,omitempty"` // hundredths of a percent
	Temperature *int64 `json:"temperature,omitempty"`
}

// A hardware element as a test describes it: status is the ElementDescription key (Green, red …).
type hwElem struct {
	Name    string `json:"name"`
	Status  string `json:"status"`
	Label   string `json:"label,omitempty"`
	Summary string `json:"summary,omitempty"`
}

type sensor struct {
	Name     string `json:"name"`
	Status   string `json:"status"`
	Summary  string `json:"summary,omitempty"`
	Reading  int64  `json:"reading"`
	Modifier int32  `json:"modifier"`
	Units    string `json:"units"`
	Type     string `json:"type"`
}

func describe(status, label, summary string) *types.ElementDescription {
	if label == "" {
		label = status
	}
	if summary == "" {
		summary = status
	}
	return &types.ElementDescription{Key: status, Description: types.Description{Label: label, Summary: summary}}
}

func healthOf(o op) *types.HealthSystemRuntime {
	if o.Storage == nil && o.Sensors == nil && o.Memory == nil && o.CPU == nil {
		return nil
	}
	elems := func(in []hwElem) []types.BaseHostHardwareElementInfo {
		var out []types.BaseHostHardwareElementInfo
		for _, e := range in {
			out = append(out, &types.HostHardwareElementInfo{Name: e.Name, Status: describe(e.Status, e.Label, e.Summary)})
		}
		return out
	}
	hw := &types.HostHardwareStatusInfo{MemoryStatusInfo: elems(o.Memory), CpuStatusInfo: elems(o.CPU)}
	for _, e := range o.Storage {
		hw.StorageStatusInfo = append(hw.StorageStatusInfo, types.HostStorageElementInfo{HostHardwareElementInfo: types.HostHardwareElementInfo{Name: e.Name, Status: describe(e.Status, e.Label, e.Summary)}})
	}
	sys := &types.HostSystemHealthInfo{}
	for _, s := range o.Sensors {
		sys.NumericSensorInfo = append(sys.NumericSensorInfo, types.HostNumericSensorInfo{Name: s.Name, HealthState: describe(s.Status, "", s.Summary), CurrentReading: s.Reading, UnitModifier: s.Modifier, BaseUnits: s.Units, SensorType: s.Type})
	}
	return &types.HealthSystemRuntime{SystemHealthInfo: sys, HardwareStatusInfo: hw}
}

func find(kind, name string) mo.Entity {
	for _, e := range simulator.Map.All(kind) {
		if e.Entity().Name == name {
			return e
		}
	}
	return nil
}

var (
	statsMu sync.Mutex
	calls   = map[string]int{}
	total   int
	logins  int
	logouts int
	modeMu  sync.Mutex
	mode    string // "", html, fault, hang, close, slow
	modeFor string // only for this SOAP method ("" = every call)
	delayMs int64
)

func sessionCount() int {
	sm := simulator.Map.SessionManager()
	f := reflect.ValueOf(sm).Elem().FieldByName("sessions")
	return f.Len()
}

func expireSessions() {
	sm := simulator.Map.SessionManager()
	f := reflect.ValueOf(sm).Elem().FieldByName("sessions")
	m := reflect.NewAt(f.Type(), unsafe.Pointer(f.UnsafeAddr())).Elem()
	for _, k := range m.MapKeys() {
		m.SetMapIndex(k, reflect.Value{})
	}
}

func handleOp(o op) (interface{}, error) {
	switch o.Op {
	case "stats":
		statsMu.Lock()
		defer statsMu.Unlock()
		c := map[string]int{}
		for k, v := range calls {
			c[k] = v
		}
		return map[string]interface{}{"calls": c, "total": total, "logins": logins, "logouts": logouts, "sessions": sessionCount()}, nil
	case "reset-stats":
		statsMu.Lock()
		calls, total, logins, logouts = map[string]int{}, 0, 0, 0
		statsMu.Unlock()
		return map[string]bool{"ok": true}, nil
	case "expire-sessions":
		expireSessions()
		return map[string]bool{"ok": true}, nil
	case "page-size":
		atomic.StoreInt64(&pageCap, o.N)
		return map[string]bool{"ok": true}, nil
	case "mode":
		modeMu.Lock()
		mode, modeFor, delayMs = o.Mode, o.Method, o.DelayMs
		modeMu.Unlock()
		return map[string]bool{"ok": true}, nil
	case "host-power", "host-connection", "host-maintenance":
		e := find("HostSystem", o.Host)
		if e == nil {
			return nil, fmt.Errorf("no host %q", o.Host)
		}
		h := e.(*simulator.HostSystem)
		simulator.Map.WithLock(h, func() {
			switch o.Op {
			case "host-power":
				h.Runtime.PowerState = types.HostSystemPowerState(o.State)
			case "host-connection":
				h.Runtime.ConnectionState = types.HostSystemConnectionState(o.State)
			case "host-maintenance":
				h.Runtime.InMaintenanceMode = o.State == "true"
			}
		})
		return map[string]bool{"ok": true}, nil
	case "host-health":
		e := find("HostSystem", o.Host)
		if e == nil {
			return nil, fmt.Errorf("no host %q", o.Host)
		}
		h := e.(*simulator.HostSystem)
		simulator.Map.WithLock(h, func() { h.Runtime.HealthSystemRuntime = healthOf(o) })
		return map[string]bool{"ok": true}, nil
	case "gpu-perf":
		e := find("HostSystem", o.Host)
		if e == nil {
			return nil, fmt.Errorf("no host %q", o.Host)
		}
		ref := e.(*simulator.HostSystem).Self.Value
		perfMu.Lock()
		defer perfMu.Unlock()
		hp := perfData[ref]
		if hp == nil || o.Gpu < 0 || o.Gpu >= len(hp.gpus) {
			return nil, fmt.Errorf("host %q has no GPU %d with gpu.* counters", o.Host, o.Gpu)
		}
		g := &hp.gpus[o.Gpu]
		if o.Util != nil {
			g.util = *o.Util
		}
		if o.MemUsage != nil {
			g.memUsage = *o.MemUsage
		}
		if o.Temperature != nil {
			g.temperature = *o.Temperature
		}
		return map[string]bool{"ok": true}, nil
	case "vm-cpu", "vm-disk", "vm-power", "vm-remove":
		e := find("VirtualMachine", o.VM)
		if e == nil {
			return nil, fmt.Errorf("no vm %q", o.VM)
		}
		vm := e.(*simulator.VirtualMachine)
		var err error
		simulator.Map.WithLock(vm, func() {
			switch o.Op {
			case "vm-cpu":
				vm.Summary.QuickStats.OverallCpuUsage = int32(float64(vm.Runtime.MaxCpuUsage) * o.Percent / 100)
			case "vm-disk": // percent = used percent of the disk (first disk unless named)
				for i := range vm.Guest.Disk {
					d := &vm.Guest.Disk[i]
					if o.Disk == "" && i > 0 || o.Disk != "" && d.DiskPath != o.Disk {
						continue
					}
					d.FreeSpace = int64(float64(d.Capacity) * (100 - o.Percent) / 100)
				}
			case "vm-power":
				if o.State == "poweredOff" {
					powerOffVM(vm)
				} else {
					err = fmt.Errorf("only poweredOff is supported")
				}
			case "vm-remove":
				removeVM(vm)
			}
		})
		if err != nil {
			return nil, err
		}
		return map[string]bool{"ok": true}, nil
	case "datastore-free":
		e := find("Datastore", o.Datastore)
		if e == nil {
			return nil, fmt.Errorf("no datastore %q", o.Datastore)
		}
		ds := e.(*simulator.Datastore)
		simulator.Map.WithLock(ds, func() {
			ds.Summary.FreeSpace = int64(float64(ds.Summary.Capacity) * o.Percent / 100)
		})
		return map[string]bool{"ok": true}, nil
	}
	return nil, fmt.Errorf("unknown op %q", o.Op)
}

// removeVM unlinks a VM from its folder, host, pool and datastores so that the ContainerView no
// longer finds it (the simulator's Destroy_Task needs a session; this needs none).
func removeVM(vm *simulator.VirtualMachine) {
	ref := vm.Self
	if f, ok := simulator.Map.Get(*vm.Parent).(*simulator.Folder); ok {
		simulator.RemoveReference(&f.ChildEntity, ref)
	}
	if h, ok := simulator.Map.Get(*vm.Runtime.Host).(*simulator.HostSystem); ok {
		simulator.RemoveReference(&h.Vm, ref)
	}
	if vm.ResourcePool != nil {
		if p, ok := simulator.Map.Get(*vm.ResourcePool).(*simulator.ResourcePool); ok {
			simulator.RemoveReference(&p.Vm, ref)
		}
	}
	for _, d := range vm.Datastore {
		if ds, ok := simulator.Map.Get(d).(*simulator.Datastore); ok {
			simulator.RemoveReference(&ds.Vm, ref)
		}
	}
	go simulator.Map.Remove(ref) // Remove takes the object's lock, which the caller holds
}

// ---------------------------------------------------------------------------------------------
// Front server: counts round trips, misbehaves on request, serves the control endpoint.

var methodRe = regexp.MustCompile(`<(?:[A-Za-z0-9_]+:)?Body[^>]*>\s*<(?:[A-Za-z0-9_]+:)?([A-Za-z0-9_]+)`)

func front(inner http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if strings.HasPrefix(r.URL.Path, "/_ctl") {
			var o op
			if r.Method == http.MethodGet {
				o.Op = "stats"
			} else if err := json.NewDecoder(r.Body).Decode(&o); err != nil {
				http.Error(w, err.Error(), 400)
				return
			}
			res, err := handleOp(o)
			w.Header().Set("Content-Type", "application/json")
			if err != nil {
				w.WriteHeader(400)
				json.NewEncoder(w).Encode(map[string]string{"error": err.Error()})
				return
			}
			json.NewEncoder(w).Encode(res)
			return
		}
		body, _ := ioutil.ReadAll(r.Body)
		r.Body.Close()
		name := ""
		if m := methodRe.FindSubmatch(body); m != nil {
			name = string(m[1])
		}
		statsMu.Lock()
		calls[name]++
		total++
		statsMu.Unlock()

		modeMu.Lock()
		md, mf, dl := mode, modeFor, delayMs
		modeMu.Unlock()
		if md != "" && (mf == "" || mf == name) {
			switch md {
			case "html":
				w.Header().Set("Content-Type", "text/html")
				w.WriteHeader(200)
				fmt.Fprint(w, "<!DOCTYPE html><html><head><title>502 Bad Gateway</title></head><body><h1>Bad Gateway</h1></body></html>")
				return
			case "fault":
				w.Header().Set("Content-Type", "text/xml; charset=utf-8")
				w.WriteHeader(500)
				fmt.Fprint(w, `<?xml version="1.0" encoding="UTF-8"?><soapenv:Envelope xmlns:soapenv="http://schemas.xmlsoap.org/soap/envelope/" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"><soapenv:Body><soapenv:Fault><faultcode>ServerFaultCode</faultcode><faultstring>A general system error occurred: simulated failure</faultstring><detail><SystemErrorFault xmlns="urn:vim25" xsi:type="SystemError"><reason>simulated failure</reason></SystemErrorFault></detail></soapenv:Fault></soapenv:Body></soapenv:Envelope>`)
				return
			case "hang":
				select {
				case <-r.Context().Done():
				case <-time.After(5 * time.Minute):
				}
				return
			case "close":
				hj, ok := w.(http.Hijacker)
				if !ok {
					return
				}
				conn, buf, err := hj.Hijack()
				if err != nil {
					return
				}
				buf.WriteString("HTTP/1.1 200 OK\r\nContent-Type: text/xml; charset=utf-8\r\nContent-Length: 100000\r\n\r\n<?xml version=\"1.0\" encoding=\"UTF-8\"?><soapenv:Envelope xmlns:soapenv=\"http://schemas.xmlsoap.org/soap/envelope/\"><soapenv:Body><RetrievePropertiesExResponse xmlns=\"urn:vim25\"><returnval><objects>")
				buf.Flush()
				conn.Close()
				return
			case "slow":
				time.Sleep(time.Duration(dl) * time.Millisecond)
			}
		}
		rec := &recorder{ResponseWriter: w}
		r.Body = ioutil.NopCloser(bytes.NewReader(body))
		r.ContentLength = int64(len(body))
		inner.ServeHTTP(rec, r)
		if rec.status == 0 || rec.status == 200 {
			statsMu.Lock()
			switch name {
			case "Login":
				logins++
			case "Logout":
				logouts++
			}
			statsMu.Unlock()
		}
	})
}

type recorder struct {
	http.ResponseWriter
	status int
}

func (r *recorder) WriteHeader(code int) {
	r.status = code
	r.ResponseWriter.WriteHeader(code)
}

func main() {
	hosts := flag.Int("hosts", 4, "ESXi hosts (in clusters of at most -cluster-size)")
	vms := flag.Int("vms", 20, "virtual machines in total")
	clusterSize := flag.Int("cluster-size", 64, "hosts per cluster")
	datastores := flag.Int("datastores", 2, "datastores")
	listen := flag.String("listen", "127.0.0.1:0", "address of the front server (loopback only)")
	plain := flag.Bool("http", false, "serve plain http instead of https")
	pageSize := flag.Int64("page-size", 0, "cap RetrievePropertiesEx pages at this many objects (0: no cap; maxObjects is honoured anyway)")
	user := flag.String("user", "monitor@vsphere.local", "user name")
	pass := flag.String("pass", "secret", "password")
	flag.Parse()
	log.SetOutput(ioutil.Discard) // the simulator logs every unknown object; keep stdout/stderr for us
	atomic.StoreInt64(&pageCap, *pageSize)

	host, _, err := net.SplitHostPort(*listen)
	if err != nil || !net.ParseIP(host).IsLoopback() {
		fmt.Fprintln(os.Stderr, "vcsim: -listen must be a loopback address")
		os.Exit(2)
	}

	model := simulator.VPX()
	model.Datacenter = 1
	model.Host = 0
	model.Portgroup = 0
	model.Datastore = *datastores
	nclusters := (*hosts + *clusterSize - 1) / *clusterSize
	if nclusters < 1 {
		nclusters = 1
	}
	model.Cluster = nclusters
	model.ClusterHost = (*hosts + nclusters - 1) / nclusters
	model.Machine = (*vms + nclusters - 1) / nclusters
	if err := model.Create(); err != nil {
		fmt.Fprintln(os.Stderr, "vcsim: create:", err)
		os.Exit(1)
	}

	pc := simulator.Map.Get(model.ServiceContent.PropertyCollector).(*simulator.PropertyCollector)
	simulator.Map.Put(&pagingPC{*pc})
	pm := simulator.Map.Get(*model.ServiceContent.PerfManager).(*simulator.PerformanceManager)
	simulator.Map.Put(&perfMgr{*pm})
	seed()

	model.Service.Listen = &url.URL{Host: "127.0.0.1:0", User: url.UserPassword(*user, *pass)}
	if !*plain {
		model.Service.TLS = new(tls.Config)
	}
	inner := model.Service.NewServer()
	var caFile string
	var tlsCfg *tls.Config
	if !*plain {
		caFile, _ = inner.CertificateFile()
		tlsCfg = &tls.Config{Certificates: inner.TLS.Certificates}
	}

	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		fmt.Fprintln(os.Stderr, "vcsim: listen:", err)
		os.Exit(1)
	}
	srv := &http.Server{Handler: front(inner.Config.Handler), TLSConfig: tlsCfg}
	scheme := "http"
	if tlsCfg != nil {
		scheme = "https"
		go srv.ServeTLS(ln, "", "")
	} else {
		go srv.Serve(ln)
	}
	base := scheme + "://" + ln.Addr().String()
	nh, nv := len(simulator.Map.All("HostSystem")), len(simulator.Map.All("VirtualMachine"))
	ready, _ := json.Marshal(map[string]interface{}{"url": base + "/sdk", "control": base + "/_ctl", "caFile": caFile, "hosts": nh, "vms": nv, "user": *user, "pass": *pass, "pid": os.Getpid()})
	fmt.Println(string(ready))

	// stdin: one JSON op per line, answered with one JSON line; EOF → exit
	sc := bufio.NewScanner(os.Stdin)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" {
			continue
		}
		var o op
		var out []byte
		if err := json.Unmarshal([]byte(line), &o); err != nil {
			out, _ = json.Marshal(map[string]string{"error": err.Error()})
		} else if res, err := handleOp(o); err != nil {
			out, _ = json.Marshal(map[string]string{"error": err.Error()})
		} else {
			out, _ = json.Marshal(res)
		}
		fmt.Println(string(out))
	}
	ctx, cancel := context.WithTimeout(context.Background(), time.Second)
	defer cancel()
	srv.Shutdown(ctx)
	inner.Close()
	model.Remove()
}
