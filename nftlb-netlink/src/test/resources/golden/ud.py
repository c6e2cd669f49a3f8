import struct,sys
def attrs(b,o=0):
    r=[]
    while o+4<=len(b):
        l,t=struct.unpack_from("<HH",b,o)
        if l<4: break
        r.append((t&0x3fff,b[o+4:o+l])); o+=(l+3)&~3
    return r
def tlv(b,ind=0):
    o=0
    while o+2<=len(b):
        t,l=b[o],b[o+1]; v=b[o+2:o+2+l]
        print(" "*ind+f"<{t}> {v.hex()}"); o+=2+l
for f in sys.argv[1:]:
  for line in open(f):
    p=line.split()
    if len(p)!=4 or p[0]!='0x0a09': continue
    m=bytes.fromhex(p[3]); a=dict(attrs(m,20))
    print(a[2].rstrip(b'\0').decode(), {k:v.hex() for k,v in a.items() if k not in (1,2,13)}); tlv(a.get(13,b''),2)
